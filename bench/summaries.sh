# shellcheck shell=bash
# summaries.sh: the reports that read the summaries (schema.sql), median of
# 3 runs each in ms, on BENCH_EVENTS generated events over 30 days (200k
# authors), next to the scans of the stored events the summaries replace,
# timed in the same run (sqlite3).  zaps' sections: top zappers and
# recipients read zap_sender_totals and zap_recipient_totals.  Target at
# 5M: each report < 200 ms, the dashboard < 1 s.
. bench/lib.sh

n=${BENCH_EVENTS:-1000000}
db="$BENCH_DATA/summaries-$n.db"
if [ ! -s "$db" ]; then
	rm -f "$db" "$db-wal" "$db-shm"
	nostr-gen -n "$n" -s 42 -a 200000 --span 2592000 | nostr-enrich | nostr-load -q -d "$db" >/dev/null
fi
ms() { median | awk -v l="$1" '{ printf "%-34s %8.1f ms\n", l, $1 * 1000 }'; }
for cmd in stats zaps top-zapped trending languages; do
	for _ in 1 2 3; do seconds nostr-report -d "$db" -f json "$cmd"; done | ms "nostr-report $cmd"
done
for s in zappers recipients; do
	for _ in 1 2 3; do seconds nostr-report -d "$db" -f json zaps --section "$s"; done |
	    ms "nostr-report zaps --section $s"
done
# -o: a file (it is renamed into place, so never a device such as /dev/null).
for _ in 1 2 3; do seconds nostr-report -d "$db" html -o "$BENCH_DATA/summaries.html"; done | ms "nostr-report html"

# The reference: what the same figures cost as scans of the stored rows.
while IFS='|' read -r label q; do
	for _ in 1 2 3; do seconds sqlite3 "$db" "$q"; done | ms "  scan: $label"
done <<'SQL'
events by kind|SELECT kind, count(*) FROM nostr_events GROUP BY kind
valid zaps and sats|SELECT count(*), sum(sats) FROM zaps WHERE valid = 1
zaps per zapped event|SELECT event_id, count(*), sum(sats) AS s FROM zaps WHERE valid = 1 GROUP BY event_id ORDER BY s DESC LIMIT 20
content events by language|SELECT coalesce(lang, 'und'), count(*) FROM nostr_events WHERE kind IN (1, 20, 1111, 30023) GROUP BY 1
zaps per sender|SELECT sender, count(*), sum(sats) AS s FROM zaps WHERE valid = 1 AND sender IS NOT NULL GROUP BY sender ORDER BY s DESC LIMIT 10
followers per pubkey|SELECT followed, count(*) AS n FROM follows GROUP BY followed ORDER BY n DESC LIMIT 10
events per day, 30 days|SELECT created_at / 86400, count(*) FROM nostr_events GROUP BY 1
SQL
