#!/usr/bin/env bats
# dashboard-parity.bats: the dashboard (nostr-report html) and nostr-report
# -f json show the same figures for one database: generated events
# (nostr-gen | nostr-enrich | nostr-load), relay status, scored by
# nostr-score.  The page's figures are read from its data-* attributes
# (dashboard.h), the report's from its JSON, both at the same --now.
bats_require_minimum_version 1.5.0

T=1700172800

setup_file() {
	export DB="$BATS_FILE_TMPDIR/parity.db" PAGE="$BATS_FILE_TMPDIR/page.json"
	nostr-gen -n 3000 -s 23 -a 40 -t 1700000000 --span 172800 | nostr-enrich |
		nostr-load -q -d "$DB"
	printf '%s\n' \
		'{"relay":"wss://b.example","time":1700172000.75,"state":"eose","connect_ms":120,"eose_ms":800,"events":1500}' \
		'{"relay":"wss://a.example","time":1700171000,"state":"connected","connect_ms":80,"events":900}' \
		'{"relay":"wss://a.example","time":1700172100,"state":"error","notice":"rate-limited"}' |
		nostr-load -q -d "$DB"
	# A profile whose display_name is empty goes by its name.
	sqlite3 "$DB" "UPDATE user_profiles SET display_name = '' WHERE aid =
	    (SELECT p.aid FROM user_profiles p JOIN pubkeys k ON k.aid = p.aid
	     WHERE p.name IS NOT NULL ORDER BY k.pubkey LIMIT 1)"
	nostr-score -q -d "$DB" --now $T
	nostr-report -d "$DB" --now $T html > "$BATS_FILE_TMPDIR/page.html"
	page_figures "$BATS_FILE_TMPDIR/page.html" > "$PAGE"
}

# page_figures FILE: the figures of the dashboard page FILE as one JSON
# object: cards {figure: value}, and the rows of trending, viral, users,
# relays, zappers and recipients (objects of their data-* attributes), and
# sizes (the zap-size panel's array).
page_figures() {
	python3 - "$1" <<'PY'
import html.parser, json, sys

TEXT = {"hashtag", "event_id", "pubkey", "name", "relay", "state"}

def value(k, v):
    if k in TEXT:
        return v
    try:
        return json.loads(v)
    except ValueError:
        return v

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.section = None
        self.panel = None
        self.in_h3 = False
        self.out = {"cards": {}, "trending": [], "viral": [], "users": [],
                    "relays": [], "zappers": [], "recipients": [], "sizes": None}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        data = {k[5:]: value(k[5:], v) for k, v in attrs if k.startswith("data-")}
        if tag == "section":
            self.section = a.get("id")
        if tag == "h3":
            self.in_h3 = True
            self.panel = ""
        if "data-figure" in a:
            self.out["cards"][a["data-figure"]] = json.loads(a["data-value"])
        if "data-sizes" in a:
            self.out["sizes"] = json.loads(a["data-sizes"])
        if tag not in ("tr", "li") or not data:
            return
        if self.section == "trending":
            self.out["viral" if tag == "li" else "trending"].append(data)
        elif self.section == "users":
            self.out["users"].append(data)
        elif self.section == "relays":
            self.out["relays"].append(data)
        elif self.section == "zaps":
            self.out["zappers" if self.panel == "Top zappers" else "recipients"].append(data)

    def handle_endtag(self, tag):
        if tag == "h3":
            self.in_h3 = False

    def handle_data(self, d):
        if self.in_h3:
            self.panel += d

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps(p.out))
PY
}

report() {
	nostr-report -d "$DB" --now $T -f json "$@"
}

page() {
	jq -c "$1" "$PAGE"
}

@test "parity: the page has figures to compare" {
	[ "$(page '.trending | length')" -gt 0 ]
	[ "$(page '.viral | length')" -gt 0 ]
	[ "$(page '.users | length')" -gt 0 ]
	[ "$(page '.zappers | length')" -gt 0 ]
	[ "$(page '.relays | length')" -eq 2 ]
	[ "$(page '.sizes | length')" -eq 12 ]
}

@test "parity: totals and the window's figures are nostr-report stats'" {
	run report stats
	[ "$status" -eq 0 ]
	for f in events.total users.total zaps.total relays.total events.window users.active users.new; do
		echo "$f"
		[ "$(page ".cards[\"$f\"]")" = "$(jq -c ".[0].$f" <<<"$output")" ]
	done
}

@test "parity: trending hashtags and their scores" {
	run report trending
	[ "$status" -eq 0 ]
	[ "$(page '[.trending[] | [.rank, .hashtag, .mention_count, .unique_authors, .zaps, .trend_score]]')" = \
	    "$(jq -c '[.[] | [.rank, .hashtag, .mention_count, .unique_authors, .zaps, .trend_score]]' <<<"$output")" ]
}

@test "parity: viral notes" {
	run report viral
	[ "$status" -eq 0 ]
	[ "$(page '[.viral[] | [.event_id, .pubkey, .virality]]')" = \
	    "$(jq -c '[.[] | [.event_id, .pubkey, .virality]]' <<<"$output")" ]
}

@test "parity: top users and their names" {
	run report users
	[ "$status" -eq 0 ]
	[ "$(page '[.users[] | [.rank, .pubkey, .name, .followers, .influence]]')" = \
	    "$(jq -c '[.[] | [.rank, .pubkey, .name, .followers, .influence]]' <<<"$output")" ]
}

@test "parity: a name is the profile's display_name, else its name" {
	run report --limit 1000 users
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.[] | [.pubkey, .name]] | sort' <<<"$output")" = \
	    "$(sqlite3 -json "$DB" "SELECT i.pubkey, coalesce(nullif(p.display_name, ''), nullif(p.name, '')) AS name
	      FROM user_influence_hex i LEFT JOIN user_profiles_hex p ON p.pubkey = i.pubkey" |
	      jq -c '[.[] | [.pubkey, .name]] | sort')" ]
	# The generator's profiles have both: the display_name wins ...
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM user_profiles WHERE display_name <> '' AND display_name <> name")" -gt 0 ]
	# ... and the one whose display_name is empty goes by its name.
	pk=$(sqlite3 "$DB" "SELECT pubkey FROM user_profiles_hex WHERE display_name = ''")
	[ "$(jq -r --arg pk "$pk" '.[] | select(.pubkey == $pk) | .name' <<<"$output")" = \
	    "$(sqlite3 "$DB" "SELECT name FROM user_profiles_hex WHERE pubkey = '$pk'")" ]
}

@test "parity: zap buckets, top zappers and top recipients" {
	run report zaps
	[ "$status" -eq 0 ]
	[ "$(page '.sizes')" = "$(jq -c '[.sizes[] | [.min_sats, .max_sats, .zaps, .sats]]' <<<"$output")" ]
	[ "$(page '[.zappers[] | [.pubkey, .name, .zaps, .sats]]')" = \
	    "$(jq -c '[.top_zappers[] | [.pubkey, .name, .zaps, .sats]]' <<<"$output")" ]
	[ "$(page '[.recipients[] | [.pubkey, .name, .zaps, .sats]]')" = \
	    "$(jq -c '[.top_recipients[] | [.pubkey, .name, .zaps, .sats]]' <<<"$output")" ]
}

@test "parity: relays, with their latest state and time" {
	run report relays
	[ "$status" -eq 0 ]
	[ "$(page '[.relays[] | [.relay, .state, .events, .time]]')" = \
	    "$(jq -c '[.[] | [.relay, .state, .events, .time]]' <<<"$output")" ]
	# Times are whole unix seconds in JSON, as every report's.
	[ "$(jq -c '[.[] | .time]' <<<"$output")" = '[1700172100,1700172000]' ]
}
