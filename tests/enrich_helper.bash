# shellcheck shell=bash
# enrich_helper.bash: fixtures for the enrich and load suites, built from
# signed events (nostr-gen --sign, seed 7) so that nothing depends on the code
# under test.

SEED=7

# pub K: the hex public key of seed key K.
pub() {
	nostr-gen --pubkey "$1" -s "$SEED"
}

# sign: signs template lines from stdin ({"key":K,"kind":...}).
sign() {
	nostr-gen --sign -s "$SEED"
}

# note KEY CREATED_AT CONTENT [TAGS_JSON]: one signed kind-1 event.
note() {
	jq -nc --argjson k "$1" --argjson t "$2" --arg c "$3" --argjson tags "${4:-[]}" \
	    '{key: $k, kind: 1, created_at: $t, tags: $tags, content: $c}' | sign
}

# event KEY KIND CREATED_AT CONTENT [TAGS_JSON]: one signed event of any kind.
event() {
	jq -nc --argjson k "$1" --argjson kind "$2" --argjson t "$3" --arg c "$4" \
	    --argjson tags "${5:-[]}" \
	    '{key: $k, kind: $kind, created_at: $t, tags: $tags, content: $c}' | sign
}

# zap MODE MSAT [TARGET_ID]: a kind-9735 receipt by key 3 for a zap of MSAT
# millisatoshi from key 1 to key 2.  MODE: valid, wrong_amount (the request
# asks for 1 msat more than the invoice), bad_sig (the request's signature is
# damaged after signing), no_bolt11, no_amount (an invoice without amount).
zap() {
	local mode=$1 msat=$2 target=${3:-} dir req inv tags amount=$2
	dir=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/zap.XXXXXX")
	[ "$mode" = wrong_amount ] && amount=$((msat + 1))
	req=$(jq -nc --arg p "$(pub 2)" --arg e "$target" --arg amt "$amount" \
	    '{key: 1, kind: 9734, created_at: 1700000000, content: "for the note",
	      tags: ([["p", $p]] + (if $e == "" then [] else [["e", $e]] end)
	             + [["amount", $amt], ["relays", "wss://relay.example"]])}' | sign)
	if [ "$mode" = bad_sig ]; then
		req=$(printf '%s\n' "$req" | jq -c '.sig |= (if .[0:1] == "0" then "1" else "0" end) + .[1:]')
	fi
	printf '%s\n' "$req" >"$dir/req"
	case $mode in
	no_amount) inv=$(enrich-invoice --description "$dir/req") ;;
	*) inv=$(enrich-invoice --msat "$msat" --description "$dir/req") ;;
	esac
	jq -nc --arg p "$(pub 2)" --arg P "$(pub 1)" --arg e "$target" --arg b "$inv" \
	    --arg d "$req" --arg mode "$mode" \
	    '{key: 3, kind: 9735, created_at: 1700000100, content: "",
	      tags: ([["p", $p], ["P", $P]] + (if $e == "" then [] else [["e", $e]] end)
	             + (if $mode == "no_bolt11" then [] else [["bolt11", $b]] end)
	             + [["description", $d]])}' | sign
}

# expected_stored FILE: how many events of FILE nostr-load should keep, by
# NIP-01 rules alone (no deletions in FILE): every regular event, one per
# replaceable (pubkey, kind) and addressable (pubkey, kind, d), no ephemeral.
expected_stored() {
	jq -s '[.[] | select(.kind < 20000 or .kind >= 30000)
	    | if .kind == 0 or .kind == 3 or (.kind >= 10000 and .kind < 20000)
	      then "r \(.pubkey) \(.kind)"
	      elif .kind >= 30000 and .kind < 40000
	      then "a \(.pubkey) \(.kind) \([.tags[] | select(.[0] == "d") | .[1]] | first // "")"
	      else .id end] | unique | length' "$1"
}

# q DB SQL: one value from the database.
q() {
	sqlite3 "$1" "$2"
}

# keyless_dump DB: the rows of every hex view and of the tables that hold no
# key, sorted: what two databases of the same events share whatever the order
# they were loaded in (the surrogate keys follow that order: schema.sql).
keyless_dump() {
	local v
	for v in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type IN ('view', 'table')
	    AND (name LIKE '%\_hex' ESCAPE '\' OR name IN ('relay_metrics', 'trending_topics',
	    'trending_velocity', 'network_stats')) ORDER BY name"); do
		sqlite3 "$1" "SELECT '$v', * FROM $v" | sort
	done
}
