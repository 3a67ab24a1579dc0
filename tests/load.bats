#!/usr/bin/env bats
# nostr-load: row counts checked against jq over the input, idempotence,
# NIP-01 replaceable rules, NIP-09 deletions, profiles, follows, zaps, bad
# input, signals.

bats_require_minimum_version 1.5.0

load common
load enrich_helper

setup() {
	T=$BATS_TEST_TMPDIR
	DB=$T/db
}

@test "real events: row counts match jq's count of the input" {
	need_shared nostrdb/events.ndjson
	src=$NP_SHARED_DATA/nostrdb/events.ndjson
	nostr-load -q -d "$DB" "$src"
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq "$(expected_stored "$src")" ]
	[ "$(q "$DB" 'SELECT count(*) FROM users_hex')" -eq "$(jq -r .pubkey "$src" | sort -u | wc -l)" ]
	[ "$(q "$DB" 'SELECT count(*) FROM user_profiles_hex')" -eq \
	    "$(jq -r 'select(.kind == 0) | .pubkey' "$src" | sort -u | wc -l)" ]
	for k in 1 6 7; do
		[ "$(q "$DB" "SELECT count(*) FROM nostr_events_hex WHERE kind = $k")" -eq \
		    "$(jq -r "select(.kind == $k) | .id" "$src" | sort -u | wc -l)" ]
	done
	# Reactions: kind 7 with an e tag; reposts: kind 6 with an e tag.
	[ "$(q "$DB" 'SELECT count(*) FROM reactions_hex')" -eq \
	    "$(jq -r 'select(.kind == 7 and any(.tags[]; .[0] == "e")) | .id' "$src" | wc -l)" ]
	[ "$(q "$DB" 'SELECT count(*) FROM reposts_hex')" -eq \
	    "$(jq -r 'select(.kind == 6 and any(.tags[]; .[0] == "e")) | .id' "$src" | wc -l)" ]
	# first_seen is the earliest created_at of each pubkey.
	jq -r '[.pubkey, .created_at] | @tsv' "$src" | sort -k1,1 -k2,2n |
	    awk '!seen[$1]++ { print $1 "|" $2 }' >"$T/want"
	q "$DB" 'SELECT pubkey, first_seen FROM users_hex ORDER BY pubkey' >"$T/got"
	diff "$T/want" "$T/got"
	# Every p tag of a stored non-contact-list event is a mention row.
	jq -r 'select(.kind != 3) | .id as $id | .tags[] | select(.[0] == "p") | "\($id)|\(.[1])"' \
	    "$src" | sort -u >"$T/want"
	q "$DB" 'SELECT event_id || "|" || mentioned FROM mentions_hex' | sort >"$T/all"
	[ -z "$(comm -23 "$T/want" "$T/all")" ]
}

@test "the real contact list with hundreds of p tags: the newest list, every follow" {
	need_shared nostrdb/events.ndjson
	src=$NP_SHARED_DATA/nostrdb/events.ndjson
	nostr-load -q -d "$DB" "$src"
	jq -sr '[.[] | select(.kind == 3)] | group_by(.pubkey)[]
	    | sort_by(-.created_at, .id) | .[0] as $e
	    | $e.tags[] | select(.[0] == "p" and (.[1] | test("^[0-9a-f]{64}$")))
	    | "\($e.pubkey)|\(.[1])"' "$src" | sort -u >"$T/want"
	[ "$(wc -l <"$T/want")" -gt 700 ]
	q "$DB" 'SELECT follower || "|" || followed FROM follows_hex' | sort >"$T/got"
	diff "$T/want" "$T/got"
	# The older list of the same author left no rows behind.
	[ "$(q "$DB" 'SELECT count(DISTINCT event_id) FROM follows_hex')" -eq 2 ]
}

@test "loading twice, or in reverse order, leaves the same database" {
	need_shared nostrdb/events.ndjson
	src=$NP_SHARED_DATA/nostrdb/events.ndjson
	nostr-gen -n 3000 -s 5 -a 40 >"$T/gen"
	cat "$src" "$T/gen" >"$T/all"
	nostr-load -q -d "$DB" "$T/all"
	sqlite3 "$DB" .dump >"$T/dump1"
	nostr-load -q -d "$DB" "$T/all"
	sqlite3 "$DB" .dump >"$T/dump2"
	cmp "$T/dump1" "$T/dump2"
	# Another order gives other surrogate keys, the same rows.
	tac "$T/all" | nostr-load -q -d "$T/rev"
	keyless_dump "$T/rev" >"$T/dump3"
	keyless_dump "$DB" | cmp - "$T/dump3"
}

@test "generated events: counts per kind and derived tables match jq" {
	nostr-gen -n 5000 -s 11 -a 60 --kinds 0,1,3,6,7,30023,9735 >"$T/gen"
	nostr-load -q -d "$DB" "$T/gen"
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq "$(expected_stored "$T/gen")" ]
	[ "$(q "$DB" 'SELECT count(*) FROM zaps_hex')" -eq "$(jq -r 'select(.kind == 9735) | .id' "$T/gen" | wc -l)" ]
	# Hashtags from the t tags of stored events are all there (content
	# hashtags add to them; replaced and deleted events take theirs along).
	q "$DB" 'SELECT id FROM nostr_events_hex' >"$T/ids"
	jq -r --rawfile ids "$T/ids" '($ids | split("\n") | map({(.): 1}) | add) as $keep
	    | select($keep[.id]) | .id as $id | .tags[] | select(.[0] == "t")
	    | "\($id)|\(.[1] | ascii_downcase)"' "$T/gen" | sort -u >"$T/want"
	[ -s "$T/want" ]
	q "$DB" 'SELECT event_id || "|" || hashtag FROM hashtags_hex' | sort >"$T/got"
	[ -z "$(comm -23 "$T/want" "$T/got")" ]
}

@test "a newer contact list takes over the follows it shares with the old one, in either order" {
	p1=$(pub 1) p2=$(pub 2) p3=$(pub 3) p4=$(pub 4)
	old=$(event 7 3 1700000100 '' "$(jq -nc --arg a "$p1" --arg b "$p2" --arg c "$p3" \
	    '[["p",$a,"wss://a"],["p",$b],["p",$c],["p",$b,"","dup"]]')")
	new=$(event 7 3 1700000200 '' "$(jq -nc --arg b "$p2" --arg c "$p3" --arg d "$p4" \
	    '[["p",$b,"wss://b","bob"],["p",$c],["p",$d],["p",$b,"wss://c"]]')")
	other=$(event 8 3 1700000150 '' "$(jq -nc --arg b "$p2" '[["p",$b]]')")
	nid=$(jq -r .id <<<"$new")
	# What the newer list says, computed from it alone: the first p tag of
	# each pubkey, with its relay hint and petname.
	{
		jq -r --arg me "$(pub 7)" '.id as $id | (.created_at | tostring) as $t
		    | reduce (.tags[] | select(.[0] == "p")) as $p ({};
		        if has($p[1]) then . else .[$p[1]] = $p end)
		    | .[] | [$me, .[1], $id, $t, (.[2] // "" | if . == "" then "NULL" else . end),
		        (.[3] // "" | if . == "" then "NULL" else . end)] | join("|")' <<<"$new"
		printf '%s|%s|%s|%s|NULL|NULL\n' "$(pub 8)" "$p2" "$(jq -r .id <<<"$other")" 1700000150
	} | sort >"$T/want"
	rows='SELECT follower, followed, event_id, created_at, coalesce(relay, "NULL"),
	    coalesce(petname, "NULL") FROM follows_hex ORDER BY 1, 2'
	printf '%s\n' "$old" "$other" "$new" | nostr-load -q -d "$T/fwd"
	printf '%s\n' "$new" "$other" "$old" | nostr-load -q -d "$T/rev"
	q "$T/fwd" "$rows" | sort | diff "$T/want" -
	q "$T/rev" "$rows" | sort | diff "$T/want" -
	keyless_dump "$T/fwd" >"$T/d1"
	keyless_dump "$T/rev" | cmp - "$T/d1"
	# Deleting the list (NIP-09) takes all its rows, and only its rows.
	event 7 5 1700000300 '' "[[\"e\",\"$nid\"]]" | nostr-load -q -d "$T/fwd"
	[ "$(q "$T/fwd" 'SELECT count(*) FROM follows_hex')" -eq 1 ]
	[ "$(q "$T/fwd" 'SELECT follower FROM follows_hex')" = "$(pub 8)" ]
	# A newer list deleted before it came still replaces the old one, and
	# writes no rows of its own.
	printf '%s\n' "$(event 7 5 1700000300 '' "[[\"e\",\"$nid\"]]")" "$old" "$new" |
	    nostr-load -q -d "$T/refused"
	[ "$(q "$T/refused" 'SELECT count(*) FROM follows_hex')" -eq 0 ]
	[ "$(q "$T/refused" 'SELECT count(*) FROM nostr_events_hex WHERE kind = 3')" -eq 0 ]
}

@test "generated contact lists change by a follow or two; the newest of each author is its follows" {
	nostr-gen -n 3000 -s 19 -a 20 --kinds 3 >"$T/in"
	# Consecutive lists of an author share all but at most one added and
	# one dropped pubkey (nostr-gen, as clients publish them).
	jq -s '[group_by(.pubkey)[] | sort_by(.created_at)
	    | map([.tags[] | select(.[0] == "p") | .[1]] | unique) as $l
	    | range(1; $l | length) as $i
	    | (($l[$i] - $l[$i - 1]) | length) + (($l[$i - 1] - $l[$i]) | length)] | max' \
	    "$T/in" >"$T/maxdiff"
	[ "$(cat "$T/maxdiff")" -le 2 ]
	[ "$(jq -s 'map(.pubkey) | unique | length' "$T/in")" -eq 20 ]
	nostr-load -q -d "$DB" "$T/in"
	jq -sr 'group_by(.pubkey)[] | sort_by(-.created_at, .id) | .[0] as $e
	    | $e.tags[] | select(.[0] == "p") | "\($e.pubkey)|\(.[1])|\($e.id)"' "$T/in" |
	    sort -u >"$T/want"
	q "$DB" 'SELECT follower || "|" || followed || "|" || event_id FROM follows_hex' | sort >"$T/got"
	diff "$T/want" "$T/got"
}

@test "replaceable ties: same created_at, the lowest id wins in either order" {
	a=$(event 4 0 1700000000 '{"name":"first"}')
	b=$(event 4 0 1700000000 '{"name":"second"}')
	low=$(printf '%s\n%s\n' "$a" "$b" | jq -r .id | sort | head -1)
	printf '%s\n%s\n' "$a" "$b" | nostr-load -q -d "$T/ab"
	printf '%s\n%s\n' "$b" "$a" | nostr-load -q -d "$T/ba"
	[ "$(q "$T/ab" 'SELECT id FROM nostr_events_hex')" = "$low" ]
	[ "$(q "$T/ba" 'SELECT id FROM nostr_events_hex')" = "$low" ]
	[ "$(q "$T/ab" 'SELECT event_id FROM user_profiles_hex')" = "$low" ]
	[ "$(q "$T/ba" 'SELECT event_id FROM user_profiles_hex')" = "$low" ]
}

@test "replaceable and addressable: newest wins per key, d tags kept apart" {
	{
		event 4 10002 1700000200 '' '[["r","wss://new"]]'
		event 4 10002 1700000100 '' '[["r","wss://old"]]'
		event 4 30023 1700000100 'a1' '[["d","a"]]'
		event 4 30023 1700000300 'a2' '[["d","a"]]'
		event 4 30023 1700000000 'b1' '[["d","b"]]'
		event 4 30023 1700000000 'none'
		event 4 20001 1700000000 'ephemeral'
	} >"$T/in"
	nostr-load -v -d "$DB" "$T/in" 2>"$T/err"
	[ "$(q "$DB" 'SELECT tags FROM nostr_events_hex WHERE kind = 10002')" = '[["r","wss://new"]]' ]
	[ "$(q "$DB" "SELECT group_concat(content, ',') FROM (SELECT content FROM nostr_events_hex WHERE kind = 30023 ORDER BY content)")" = "a2,b1,none" ]
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex WHERE kind = 20001')" -eq 0 ]
	grep -Eq 'ephemeral \(not stored\) +1$' "$T/err"
}

@test "a deleted event takes its derived rows along, whatever its kind" {
	target=$(note 2 1700000000 '#nostr hello nostr:npub1' "[[\"p\",\"$(pub 3)\"]]")
	tid=$(jq -r .id <<<"$target")
	reply=$(note 1 1700000010 'a reply #nostr' "[[\"e\",\"$tid\",\"\",\"root\"],[\"p\",\"$(pub 2)\"]]")
	react=$(event 1 7 1700000020 '+' "[[\"e\",\"$tid\"],[\"p\",\"$(pub 2)\"]]")
	repost=$(event 1 6 1700000030 '' "[[\"e\",\"$tid\"],[\"p\",\"$(pub 2)\"]]")
	printf '%s\n' "$target" "$reply" "$react" "$repost" >"$T/in"
	zap valid 21000 "$tid" >>"$T/in"
	nostr-load -q -d "$DB" "$T/in"
	for t in hashtags mentions refs replies reactions reposts zaps; do
		[ "$(q "$DB" "SELECT count(*) > 0 FROM $t")" = 1 ]
	done
	# Each author deletes what it wrote; nothing derived may outlive its event.
	ids() { jq -r .id "$@" | jq -Rsc 'split("\n")[:-1] | map(["e", .])'; }
	event 1 5 1700000100 '' "$(printf '%s\n' "$reply" "$react" "$repost" | ids)" >>"$T/in"
	event 2 5 1700000100 '' "$(ids <<<"$target")" >>"$T/in"
	event 3 5 1700000100 '' "$(tail -n 3 "$T/in" | head -n 1 | ids)" >>"$T/in"
	nostr-load -q -d "$DB" "$T/in"
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex WHERE kind != 5')" = 0 ]
	# The tables themselves: a hex view joins nostr_events, so it hides a row
	# whose event is gone.
	for t in hashtags mentions refs replies reactions reposts zaps; do
		[ "$(q "$DB" "SELECT count(*) FROM $t WHERE eid NOT IN (SELECT eid FROM nostr_events)")" = 0 ]
	done
	# What is left is the deletions' own e tags.
	[ "$(q "$DB" 'SELECT count(*) FROM refs_hex')" = 5 ]
}

@test "deletions before and after their targets, by e and by a tag" {
	n1=$(note 5 1700000000 'delete me later')
	n2=$(note 5 1700000001 'delete me first')
	n3=$(note 6 1700000002 'not yours to delete')
	art=$(event 5 30023 1700000003 'article' '[["d","post"]]')
	id1=$(jq -r .id <<<"$n1") id2=$(jq -r .id <<<"$n2") id3=$(jq -r .id <<<"$n3")
	tags=$(jq -nc --arg a "$id1" --arg b "$id2" --arg c "$id3" --arg addr "30023:$(pub 5):post" \
	    '[["e",$a],["e",$b],["e",$c],["a",$addr]]')
	del=$(event 5 5 1700000010 'oops' "$tags")
	newer=$(event 5 30023 1700000020 'article v2' '[["d","post"]]')
	# n1 and the article come before the deletion, n2 after it.
	printf '%s\n' "$n1" "$n3" "$art" "$del" "$n2" "$newer" >"$T/in"
	nostr-load -v -d "$DB" "$T/in" 2>"$T/err"
	[ "$(q "$DB" "SELECT count(*) FROM nostr_events_hex WHERE id IN ('$id1', '$id2')")" -eq 0 ]
	# Another author's note survives a deletion that names it.
	[ "$(q "$DB" "SELECT count(*) FROM nostr_events_hex WHERE id = '$id3'")" -eq 1 ]
	# The address deletion covers versions up to its created_at, not later ones.
	[ "$(q "$DB" 'SELECT content FROM nostr_events_hex WHERE kind = 30023')" = "article v2" ]
	[ "$(q "$DB" 'SELECT count(*) FROM deletions_hex')" -eq 4 ]
	grep -Eq 'refused \(deleted before\) +1$' "$T/err"
	# Loading it all again in reverse changes nothing.
	keyless_dump "$DB" >"$T/d1"
	tac "$T/in" | nostr-load -q -d "$T/rev"
	keyless_dump "$T/rev" | cmp - "$T/d1"
}

@test "a deleted note takes its hashtags, mentions and reply rows with it" {
	root=$(note 6 1700000000 'root')
	rid=$(jq -r .id <<<"$root")
	reply=$(note 5 1700000001 'answer #tag' "$(jq -nc --arg r "$rid" --arg p "$(pub 6)" '[["e",$r,"","root"],["p",$p]]')")
	id=$(jq -r .id <<<"$reply")
	printf '%s\n%s\n' "$root" "$reply" | nostr-load -q -d "$DB"
	[ "$(q "$DB" 'SELECT count(*) FROM hashtags') $(q "$DB" 'SELECT count(*) FROM replies') $(q "$DB" 'SELECT count(*) FROM mentions')" = "1 1 1" ]
	event 5 5 1700000005 '' "[[\"e\",\"$id\"]]" | nostr-load -q -d "$DB"
	[ "$(q "$DB" 'SELECT count(*) FROM hashtags') $(q "$DB" 'SELECT count(*) FROM replies') $(q "$DB" 'SELECT count(*) FROM mentions')" = "0 0 0" ]
}

# orphans DB: derived rows of the four tables any kind fills whose event is gone.
orphans() {
	q "$1" 'SELECT (SELECT count(*) FROM hashtags WHERE eid NOT IN (SELECT eid FROM nostr_events))
	    + (SELECT count(*) FROM mentions WHERE eid NOT IN (SELECT eid FROM nostr_events))
	    + (SELECT count(*) FROM refs WHERE eid NOT IN (SELECT eid FROM nostr_events))
	    + (SELECT count(*) FROM replies WHERE eid NOT IN (SELECT eid FROM nostr_events))'
}

# derived_events T: an article with a hashtag, a mention and a reference, and
# a reply with all four, in T/in; a newer article and a deletion of the
# reply in T/later.
derived_events() {
	local root rid reply tags
	root=$(note 6 1700000000 'root')
	rid=$(jq -r .id <<<"$root")
	tags=$(jq -nc --arg r "$rid" --arg p "$(pub 6)" '[["d","a"],["t","old"],["p",$p],["e",$r]]')
	reply=$(note 5 1700000001 'answer #tag' "$(jq -nc --arg r "$rid" --arg p "$(pub 6)" \
	    '[["e",$r,"","root"],["p",$p]]')")
	printf '%s\n' "$root" "$(event 5 30023 1700000002 'article' "$tags")" "$reply" >"$1/in"
	{
		event 5 30023 1700000003 'article v2' '[["d","a"]]'
		event 5 5 1700000004 '' "[[\"e\",\"$(jq -r .id <<<"$reply")\"]]"
	} >"$1/later"
}

@test "a replaced or deleted event takes the rows of its derived bits, and no bit is missing" {
	derived_events "$T"
	nostr-load -q -d "$DB" "$T/in"
	# The article: hashtags 1, mentions 2, refs 4; the reply all four.
	[ "$(q "$DB" 'SELECT group_concat(kind || ":" || derived, " ") FROM (SELECT kind, derived FROM nostr_events ORDER BY eid)')" = "1:0 30023:7 1:15" ]
	[ "$(q "$DB" 'SELECT count(*) FROM hashtags') $(q "$DB" 'SELECT count(*) FROM mentions') $(q "$DB" 'SELECT count(*) FROM refs') $(q "$DB" 'SELECT count(*) FROM replies')" = "2 2 2 1" ]
	nostr-load -q -d "$DB" "$T/later"
	[ "$(orphans "$DB")" = 0 ]
	[ "$(q "$DB" 'SELECT count(*) FROM hashtags') $(q "$DB" 'SELECT count(*) FROM mentions') $(q "$DB" 'SELECT count(*) FROM replies')" = "0 0 0" ]
}

@test "a version-3 database from before nostr_events.derived gains it; its events still take their rows" {
	derived_events "$T"
	nostr-load -q -d "$DB" "$T/in"
	q "$DB" 'DROP TRIGGER nostr_events_cleanup; ALTER TABLE nostr_events DROP COLUMN derived'
	[ "$(q "$DB" "SELECT count(*) FROM pragma_table_info('nostr_events') WHERE name = 'derived'")" = 0 ]
	# A reader adds it too.
	run nostr-report -d "$DB" -f json stats
	[ "$status" -eq 0 ]
	[ "$(q "$DB" "SELECT count(*) FROM pragma_table_info('nostr_events') WHERE name = 'derived'")" = 1 ]
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events WHERE derived IS NULL')" = 3 ]
	[ "$(q "$DB" 'PRAGMA integrity_check')" = ok ]
	nostr-load -q -d "$DB" "$T/later"
	[ "$(orphans "$DB")" = 0 ]
	[ "$(q "$DB" 'SELECT count(*) FROM hashtags') $(q "$DB" 'SELECT count(*) FROM mentions') $(q "$DB" 'SELECT count(*) FROM replies')" = "0 0 0" ]
	[ "$(q "$DB" "SELECT derived FROM nostr_events WHERE kind = 5")" = 4 ]
}

# last_event_off DB: the users whose last_event is not the created_at of
# their newest stored event (NULL for none).
last_event_off() {
	q "$1" 'SELECT count(*) FROM users u WHERE u.last_event IS NOT
	    (SELECT max(created_at) FROM nostr_events e WHERE e.aid = u.aid)'
}

@test "users.last_event is each author's newest stored event: deletions, replacements, a prune, an upgrade" {
	a=$(note 5 1700000100 'first') b=$(note 5 1700000200 'second')
	ida=$(jq -r .id <<<"$a") idb=$(jq -r .id <<<"$b")
	printf '%s\n' "$a" "$b" "$(event 5 5 1700000050 'x' "[[\"e\",\"$idb\"]]")" >"$T/in"
	nostr-load -q -d "$DB" "$T/in"
	# The deletion (older than what it deletes) is the newest but one.
	[ "$(q "$DB" "SELECT last_event FROM users")" = 1700000100 ]
	event 5 5 1700000300 'y' "[[\"e\",\"$ida\"]]" | nostr-load -q -d "$DB"
	[ "$(q "$DB" "SELECT last_event FROM users")" = 1700000300 ]
	# In a later batch than what it deletes.
	c=$(note 6 1700000100 'third') d=$(note 6 1700000200 'fourth')
	printf '%s\n' "$c" "$d" | nostr-load -q -d "$DB"
	event 6 5 1700000050 'z' "[[\"e\",\"$(jq -r .id <<<"$d")\"]]" | nostr-load -q -d "$DB"
	[ "$(q "$DB" "SELECT u.last_event FROM users u JOIN pubkeys k USING (aid) WHERE k.pubkey = x'$(pub 6)'")" = 1700000100 ]
	# Generated events of every kind, in small batches: removals everywhere.
	nostr-gen -n 4000 -s 23 -a 30 -t 1700000000 --span 864000 >"$T/gen"
	nostr-load -q --batch 300 -d "$DB" "$T/gen"
	[ "$(last_event_off "$DB")" = 0 ]
	# users.active at windows ending inside the data (the probes) and after it.
	for now in 1700200000 1700500000 1701000000; do
		run -0 nostr-report -d "$DB" -f json --now "$now" stats
		[ "$(jq '.[0].users.active' <<<"$output")" = "$(q "$DB" "SELECT count(DISTINCT aid) FROM nostr_events WHERE created_at > $((now - 86400)) AND created_at <= $now")" ]
	done
	nostr-load -q -d "$DB" --prune 1700500000 --batch 200
	[ "$(last_event_off "$DB")" = 0 ]
	# A database from before the column gets it, filled.
	q "$DB" 'DROP TRIGGER nostr_events_cleanup; ALTER TABLE users DROP COLUMN last_event'
	run -0 nostr-report -d "$DB" -f json stats
	[ "$(last_event_off "$DB")" = 0 ]
	[ "$(q "$DB" 'SELECT count(*) FROM users WHERE last_event IS NOT NULL')" -gt 0 ]
}

@test "broken profile JSON is tolerated: what parsed is kept, json_ok says so" {
	{
		event 1 0 1700000000 '{"name":"alice","about":"unterminated'
		event 2 0 1700000000 'not json at all'
		event 3 0 1700000000 '{"name":42,"displayName":"Old Style","nip05":"c@x.org","lud16":"c@ln.org"}'
		event 4 0 1700000000 '{"name":"dora","display_name":"Dora","website":"https://d.example"} trailing'
	} | nostr-load -q -d "$DB"
	[ "$(q "$DB" "SELECT name, json_ok FROM user_profiles_hex WHERE pubkey = '$(pub 1)'")" = "alice|0" ]
	[ "$(q "$DB" "SELECT coalesce(name, 'NULL'), json_ok, content FROM user_profiles_hex WHERE pubkey = '$(pub 2)'")" = "NULL|0|not json at all" ]
	[ "$(q "$DB" "SELECT coalesce(name, 'NULL'), display_name, nip05, lud16, json_ok FROM user_profiles_hex WHERE pubkey = '$(pub 3)'")" = "NULL|Old Style|c@x.org|c@ln.org|1" ]
	[ "$(q "$DB" "SELECT name, display_name, website, json_ok FROM user_profiles_hex WHERE pubkey = '$(pub 4)'")" = "dora|Dora|https://d.example|0" ]
}

@test "zap sums: valid zaps counted, the one with a wrong amount is kept but not summed" {
	target=$(note 2 1700000000 'zap me')
	tid=$(jq -r .id <<<"$target")
	{
		printf '%s\n' "$target"
		zap valid 21000 "$tid"
		zap valid 1000000 "$tid"
		zap valid 5000 "$tid"
		zap wrong_amount 7000 "$tid"
	} >"$T/in"
	nostr-load -q -d "$DB" "$T/in"
	[ "$(q "$DB" 'SELECT count(*), sum(valid) FROM zaps_hex')" = "4|3" ]
	[ "$(q "$DB" "SELECT zap_count, zap_total_sats FROM zap_totals WHERE event_id = '$tid'")" = "3|1026" ]
	[ "$(q "$DB" "SELECT sats_received FROM user_zap_totals WHERE pubkey = '$(pub 2)'")" = "1026" ]
	[ "$(q "$DB" "SELECT DISTINCT sender FROM zaps_hex")" = "$(pub 1)" ]
	[ "$(q "$DB" "SELECT problems FROM zaps_hex WHERE valid = 0")" = '["amount_mismatch"]' ]
}

@test "bad lines are rejected and counted, good ones stored" {
	nostr-gen -n 20 -s 3 --kinds 1 >"$T/good"
	{
		head -10 "$T/good"
		echo 'not json'
		echo '[1,2,3]'
		head -1 "$T/good" | jq -c '.id |= ascii_upcase'
		head -1 "$T/good" | jq -c 'del(.sig)'
		head -1 "$T/good" | jq -c '.content = ("x" * 5000)'
		tail -10 "$T/good"
	} >"$T/in"
	run nostr-load -v -d "$DB" --max-line 4096 --reject "$T/rej" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq 20 ]
	[ "$(wc -l <"$T/rej")" -eq 4 ]   # the long line is counted, not kept
	grep -q '25 lines read, 20 events stored, 5 rejected' <<<"$output"
	run nostr-load -q --strict -d "$DB" "$T/in"
	[ "$status" -eq 1 ]
}

@test "relay-status records go to relay_metrics, once" {
	cat >"$T/in" <<-'EOF'
	{"type":"relay_status","relay":"wss://a.example","time":1700000000.5,"state":"connected","connect_ms":42.5,"events":0,"duplicates":0,"invalid":0,"reconnects":0,"notices":0}
	{"type":"relay_status","relay":"wss://a.example","time":1700000060.25,"state":"eose","eose_ms":310,"events":120,"duplicates":3,"invalid":1,"reconnects":0,"notices":1,"notice":"rate limited","nip11":{"name":"A"}}
	{"type":"relay_status","relay":"wss://a.example","time":1700000060.25,"state":"eose","events":120}
	EOF
	nostr-load -q -d "$DB" "$T/in"
	[ "$(q "$DB" 'SELECT count(*) FROM relay_metrics')" -eq 2 ]
	[ "$(q "$DB" "SELECT connect_ms FROM relay_metrics WHERE state = 'connected'")" = "42.5" ]
	[ "$(q "$DB" "SELECT events, duplicates, notice, json_extract(nip11, '\$.name') FROM relay_metrics WHERE state = 'eose'")" = "120|3|rate limited|A" ]
}

@test "SIGTERM: the lines read are committed and the exit is clean" {
	nostr-gen -n 300 -s 9 --kinds 1 >"$T/in"
	mkfifo "$T/fifo"
	nostr-load -q -d "$DB" --flush-ms 60000 --batch 1000000 "$T/fifo" &
	pid=$!
	exec 7>"$T/fifo"
	cat "$T/in" >&7
	# Nothing is committed yet (huge batch, long flush); wait until all is read.
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	exec 7>&-
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq 300 ]
	[ "$(q "$DB" 'PRAGMA integrity_check')" = ok ]
}

@test "waiting input fills the batch: a file loads in full batches, whatever --flush-ms" {
	nostr-gen -n 3000 -s 21 --kinds 1 >"$T/in"
	run nostr-load -v -d "$DB" --batch 1000 --flush-ms 0 "$T/in"
	[ "$status" -eq 0 ]
	[[ "$output" == *", 3 commits"* ]]
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq 3000 ]
}

@test "the pipes between the filters are widened to 1 MiB (Linux's default is 64 KiB)" {
	nostr-gen -n 200 -s 4 --kinds 1 >"$T/in"
	[ "$(nostr-verify -q "$T/in" | pipe-size)" = 1048576 ]
	[ "$(nostr-enrich -q "$T/in" | pipe-size)" = 1048576 ]
	[ "$(cat "$T/in" | pipe-size)" = 65536 ]  # the check itself sees the default
	pipe-size -o 2>"$T/size" | nostr-load -q -d "$DB"
	[ "$(cat "$T/size")" = 1048576 ]
}

@test "idle input is committed after --flush-ms, while the stream stays open" {
	mkfifo "$T/fifo"
	nostr-load -q -d "$DB" --flush-ms 100 "$T/fifo" &
	pid=$!
	exec 7>"$T/fifo"
	note 1 1700000000 'live event' >&7
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex' 2>/dev/null)" = 1 ] && break
		sleep 0.3
	done
	[ "$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')" -eq 1 ]
	exec 7>&-
	wait "$pid"
}

@test "kill -9 mid-load: the database is intact and a rerun completes it" {
	nostr-gen -n 40000 -s 13 -a 200 >"$T/in"
	nostr-load -q -d "$T/clean" "$T/in"
	nostr-load -q -d "$DB" --batch 500 "$T/in" &
	pid=$!
	for i in $(seq 50); do
		n=$(q "$DB" 'SELECT count(*) FROM nostr_events_hex' 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 2000 ] && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$pid" || true
	[ "$(q "$DB" 'PRAGMA integrity_check')" = ok ]
	n=$(q "$DB" 'SELECT count(*) FROM nostr_events_hex')
	[ "$n" -lt "$(q "$T/clean" 'SELECT count(*) FROM nostr_events_hex')" ]
	nostr-load -q -d "$DB" "$T/in"
	sqlite3 "$DB" .dump | sort >"$T/d1"
	sqlite3 "$T/clean" .dump | sort | cmp - "$T/d1"
}

@test "usage errors exit 2, an unopenable database exits 1" {
	run nostr-load --batch 0
	[ "$status" -eq 2 ]
	run nostr-load --no-such-option
	[ "$status" -eq 2 ]
	run nostr-load -d /nonexistent/dir/db </dev/null
	[ "$status" -eq 1 ]
}

@test "raw events and events enriched first load into the same database" {
	nostr-gen -n 2000 -s 17 -a 50 >"$T/gen"
	nostr-load -q -d "$T/raw" "$T/gen"
	nostr-enrich -q "$T/gen" >"$T/gen.enriched"
	nostr-load -q -d "$T/enriched" "$T/gen.enriched"
	sqlite3 "$T/raw" .dump >"$T/d1"
	sqlite3 "$T/enriched" .dump | cmp - "$T/d1"
}

@test "zaps enriched first load as they load raw; a meta.zap is trusted, a broken one read again" {
	target=$(note 2 1700000000 'zap me')
	tid=$(jq -r .id <<<"$target")
	{
		printf '%s\n' "$target"
		zap valid 21000 "$tid"
		zap wrong_amount 7000 "$tid"
		zap bad_sig 5000 "$tid"
		zap no_amount 0 "$tid"
		zap valid 3000 ""
	} >"$T/in"
	nostr-load -q -d "$T/raw" "$T/in"
	nostr-enrich -q "$T/in" >"$T/in.enriched"
	nostr-load -q -d "$T/enriched" "$T/in.enriched"
	sqlite3 "$T/raw" .dump >"$T/d1"
	sqlite3 "$T/enriched" .dump | cmp - "$T/d1"
	# nostr-load does not verify again what nostr-enrich found (see nostr-load(1)).
	zap bad_sig 9000 "$tid" | nostr-enrich -q >"$T/z9000"
	jq -c '.meta.zap.valid = true | .meta.zap.problems = []' "$T/z9000" >"$T/trusted"
	zap bad_sig 8000 "$tid" | nostr-enrich -q >"$T/z8000"
	jq -c '.meta.zap.valid = "yes"' "$T/z8000" >"$T/broken"
	cat "$T/trusted" "$T/broken" | nostr-load -q -d "$DB"
	[ "$(q "$DB" 'SELECT sats, valid, problems FROM zaps_hex ORDER BY sats')" = "8|0|[\"request_bad_signature\"]
9|1|[]" ]
}

@test "a complete meta is taken as it came; an incomplete or malformed one is computed anew" {
	for k in 1 2 3 4 5; do note "$k" 1700000000 "#real note $k"; done | nostr-enrich -q >"$T/enriched"
	line() { sed -n "${1}p" "$T/enriched"; }
	{
		line 1 | jq -c '.meta.hashtags = ["planted"] | .meta.note = {"kept": [1]}'
		line 2 | jq -c '.meta.hashtags = ["planted"] | del(.meta.words)'
		line 3 | jq -c '.meta.hashtags = ["planted"] | .meta.mentions = ["ABC"]'
		line 4 | jq -c '.meta.hashtags = ["planted"] | .meta.zap = {}'
		line 5 | jq -c '.meta.hashtags = ["planted"] | .meta.reply_to = 7'
	} >"$T/in"
	run nostr-load -v -d "$DB" "$T/in"
	[ "$status" -eq 0 ]
	grep -Eqx ' +meta taken as it came +1' <<<"$output"
	[ "$(q "$DB" "SELECT e.pubkey = '$(pub 1)', h.hashtag FROM hashtags_hex h JOIN nostr_events_hex e ON e.id = h.event_id ORDER BY 1 DESC, 2")" = "1|planted
0|real
0|real
0|real
0|real" ]
	# Of a meta, only what no column or table holds is stored: a member
	# nostr-enrich does not own, as it came; nothing (NULL) when nothing is left.
	[ "$(q "$DB" "SELECT meta FROM nostr_events_hex WHERE pubkey = '$(pub 1)'")" = '{"note":{"kept":[1]}}' ]
	[ "$(q "$DB" "SELECT coalesce(meta, 'NULL') FROM nostr_events_hex WHERE pubkey = '$(pub 2)'")" = NULL ]
}

@test "relay, received_at and lang come from an existing meta" {
	note 1 1700000000 'Das Wetter ist heute wunderbar und ich gehe mit meinem Hund lange im Park spazieren.' |
	    jq -c '. + {meta: {relay: "wss://relay.example", received_at: 1700000002.5}}' >"$T/in"
	note 2 1700000000 'Some text in English that the meta below says is Esperanto, on purpose.' |
	    jq -c '. + {meta: {lang: "eo"}}' >>"$T/in"
	nostr-load -q -d "$DB" "$T/in"
	[ "$(q "$DB" "SELECT relay, received_at, lang FROM nostr_events_hex WHERE pubkey = '$(pub 1)'")" = "wss://relay.example|1700000002.5|de" ]
	[ "$(q "$DB" "SELECT coalesce(relay, 'NULL'), lang FROM nostr_events_hex WHERE pubkey = '$(pub 2)'")" = "NULL|eo" ]
	# relay and received_at have columns: meta does not hold them again.
	[ "$(q "$DB" "SELECT coalesce(meta, 'NULL') FROM nostr_events_hex WHERE pubkey = '$(pub 1)'")" = NULL ]
}

# as_old NEW OLD: writes NEW's rows into OLD, a database of an older schema
# (hex keys), through NEW's hex views, which keep version 2's column names.
as_old() {
	local t cols
	for t in nostr_events replaceable_heads users user_profiles follows hashtags mentions \
	    refs replies reactions reposts zaps deletions content_metrics user_metrics \
	    user_influence; do
		cols=$(q "$1" "SELECT group_concat(name, ', ') FROM pragma_table_info('${t}_hex')")
		q "$2" "ATTACH '$1' AS n; INSERT INTO $t ($cols) SELECT $cols FROM n.${t}_hex"
	done
	for t in trending_topics trending_velocity network_stats relay_metrics; do
		q "$2" "ATTACH '$1' AS n; INSERT INTO $t SELECT * FROM n.$t"
	done
}

@test "a database of schema version 2 or 1 is upgraded in place: the same rows, then loads on" {
	nostr-gen -n 3000 -s 31 -a 40 >"$T/in"
	nostr-gen -n 300 -s 32 -a 40 -t 1800000000 --kinds 0,1,3,5,7,30023 >"$T/later"
	nostr-load -q -d "$DB" "$T/in"
	nostr-score -q -d "$DB" --now 1700100000
	sqlite3 "$T/v2" <"$BATS_TEST_DIRNAME/data/schema-v2.sql"
	as_old "$DB" "$T/v2"
	# Version 1: its own derived tables, the rest as version 2 made them.
	sqlite3 "$T/v1" <"$BATS_TEST_DIRNAME/data/schema-v1.sql"
	sqlite3 "$T/v1" <"$BATS_TEST_DIRNAME/data/schema-v2.sql"
	q "$T/v1" 'PRAGMA user_version = 1'
	as_old "$DB" "$T/v1"
	[ "$(q "$T/v2" "SELECT count(*) FROM nostr_events WHERE length(id) = 64")" -gt 2000 ]
	keyless_dump "$DB" >"$T/d1"
	for old in v2 v1; do
		# A reader upgrades it too; nothing is lost.
		run nostr-report -d "$T/$old" -f json stats
		[ "$status" -eq 0 ]
		[ "$(q "$T/$old" 'PRAGMA user_version')" = 3 ]
		[ "$(q "$T/$old" 'PRAGMA integrity_check')" = ok ]
		[ "$(q "$T/$old" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'old\_%' ESCAPE '\'")" = 0 ]
		keyless_dump "$T/$old" | diff "$T/d1" -
		[ "$(last_event_off "$T/$old")" = 0 ]
		nostr-load -q -d "$T/$old" "$T/later"
	done
	nostr-load -q -d "$DB" "$T/later"
	keyless_dump "$DB" >"$T/d2"
	keyless_dump "$T/v2" | diff "$T/d2" -
	keyless_dump "$T/v1" | diff "$T/d2" -
	[ "$(q "$DB" 'SELECT count(*) FROM content_metrics')" -gt 0 ]
	[ "$(q "$DB" 'SELECT count(*) FROM deletions')" -gt 0 ]
}
