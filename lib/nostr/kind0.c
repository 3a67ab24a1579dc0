#include "nostr/kind0.h"

#include <string.h>

#include "base/json.h"
#include "base/jsonobj.h"

/* The keys, in enum kind0_field's order; then the older displayName. */
static const char *const kind0_keys[KIND0_NFIELDS + 1] = {
	"name", "display_name", "about", "picture", "banner", "nip05", "lud16", "lud06",
	"website", "displayName",
};

void
kind0_profile_init(struct kind0_profile *p)
{
	memset(p, 0, sizeof *p);
}

void
kind0_profile_free(struct kind0_profile *p)
{
	size_t i;

	for (i = 0; i < KIND0_NFIELDS + 1; i++)
		buf_free(&p->field[i]);
	buf_free(&p->key);
}

void
kind0_profile_parse(struct kind0_profile *p, const char *content, size_t len)
{
	struct jsonobj o;
	struct buf swap;
	size_t k;
	int r, target;

	memset(p->has, 0, sizeof p->has);
	jsonobj_begin(&o, content, len);
	while ((r = jsonobj_next(&o, &p->key)) == 1) {
		target = -1;
		for (k = 0; k < KIND0_NFIELDS + 1; k++)
			if (jsonobj_key_is(&p->key, kind0_keys[k]))
				target = (int)k;
		/* Only strings count; when a key repeats, the first one does. */
		if (target >= 0 && !p->has[target] && json_peek(&o.c) == '"') {
			buf_reset(&p->field[target]);
			if ((o.status = json_string(&o.c, &p->field[target], NULL)) != JSON_OK)
				break;
			p->has[target] = 1;
		} else if (jsonobj_skip(&o) != JSON_OK) {
			break;
		}
	}
	/* Something after the object also makes it broken JSON. */
	p->json_ok = o.status == JSON_OK && r == 0;
	if (p->json_ok) {
		json_skip_ws(&o.c);
		p->json_ok = o.c.p == o.c.end;
	}
	if (!p->has[KIND0_DISPLAY_NAME] && p->has[KIND0_NFIELDS]) {
		swap = p->field[KIND0_DISPLAY_NAME];
		p->field[KIND0_DISPLAY_NAME] = p->field[KIND0_NFIELDS];
		p->field[KIND0_NFIELDS] = swap;
		p->has[KIND0_DISPLAY_NAME] = 1;
		p->has[KIND0_NFIELDS] = 0;
	}
}
