#!/usr/bin/env bats
# nostr-enrich: the real binary on real and signed generated events; every
# expected value is written out here or computed with jq from the input.

load common
load enrich_helper

setup() {
	T=$BATS_TEST_TMPDIR
}

# meta FIELD: the meta field of each line on stdin, compact JSON.
meta() {
	jq -c ".meta.$1"
}

@test "real events: every line enriched, all other bytes passed through" {
	need_shared nostrdb/events.ndjson
	src=$NP_SHARED_DATA/nostrdb/events.ndjson
	nostr-enrich -v "$src" >"$T/out" 2>"$T/err"
	grep -q '722 lines read, 722 enriched, 0 rejected' "$T/err"
	# The meta is the last member; cut it off and the input comes back.
	sed 's/,"meta":{[^{}]*}}$/}/' "$T/out" | cmp - "$src"
	[ "$(jq -c 'select(.meta | type == "object")' "$T/out" | wc -l)" -eq 722 ]
	# Reactions point at their last e tag; reposts at their e tag.
	diff <(jq -r 'select(.kind == 7) | [.tags[] | select(.[0] == "e") | .[1]] | last' "$src") \
	    <(jq -r 'select(.kind == 7) | .meta.reaction_to' "$T/out")
	diff <(jq -r 'select(.kind == 6) | [.tags[] | select(.[0] == "e") | .[1]] | first' "$src") \
	    <(jq -r 'select(.kind == 6) | .meta.repost_of' "$T/out")
	# Every p tag is a mention, every e tag a ref.
	[ "$(jq -c '[.tags[] | select(.[0] == "p") | .[1]] - .meta.mentions | length' "$T/out" | sort -u)" = 0 ]
	[ "$(jq -c '[.tags[] | select(.[0] == "e") | .[1]] - .meta.refs | length' "$T/out" | sort -u)" = 0 ]
}

@test "an existing meta keeps relay and received_at; enriching twice changes nothing" {
	note 1 1700000000 'hello #world' |
	    jq -c '. + {meta: {relay: "wss://relay.example", received_at: 1700000001.25, x: [1]}}' >"$T/in"
	nostr-enrich "$T/in" >"$T/once"
	jq -e '.meta.relay == "wss://relay.example" and .meta.received_at == 1700000001.25 and .meta.x == [1] and .meta.hashtags == ["world"]' "$T/once"
	grep -q '"meta":{"relay":"wss://relay.example","received_at":1700000001.25,"x":\[1\],"lang":' "$T/once"
	nostr-enrich "$T/once" >"$T/twice"
	cmp "$T/once" "$T/twice"
	nostr-gen -n 300 -s 21 >"$T/gen"
	nostr-enrich "$T/gen" >"$T/g1"
	nostr-enrich "$T/g1" >"$T/g2"
	cmp "$T/g1" "$T/g2"
}

@test "language: English, German, Spanish, Portuguese, Japanese, Chinese, Russian; short is und" {
	{
		note 1 1 'The weather is lovely today and I am going for a long walk in the park with my dog.'
		note 1 2 'Das Wetter ist heute wunderbar und ich gehe mit meinem Hund lange im Park spazieren.'
		note 1 3 'Hoy hace un tiempo precioso y voy a dar un paseo largo por el parque con mi perro.'
		note 1 4 'O tempo está lindo hoje e eu vou dar um longo passeio no parque com o meu cachorro.'
		note 1 5 '今日はとても良い天気なので、犬と一緒に公園を長く散歩します。'
		note 1 6 '今天天气很好，我要和我的狗在公园里散步很长时间。'
		note 1 7 'Сегодня прекрасная погода, и я иду на долгую прогулку в парк со своей собакой.'
		note 1 8 'gm'
		note 1 9 'https://example.com/a-very-long-url-with-many-english-words-in-it #hashtag #another'
	} | nostr-enrich >"$T/out"
	meta lang <"$T/out" | tr -d '"' | tr '\n' ' ' >"$T/got"
	[ "$(cat "$T/got")" = "en de es pt ja zh ru und und " ]
}

@test "hashtags: t tags and #words, case-folded, deduplicated, not in URLs or entities" {
	note 1 1 '#Nostr and #NOSTR, #Straße #ΣΊΣΥΦΟΣ #日本語 #123 a#b &#39; https://x.example/p#frag #zap_2024.' \
	    '[["t","Bitcoin"],["t","nostr"]]' | nostr-enrich >"$T/out"
	meta hashtags <"$T/out" >"$T/got"
	[ "$(cat "$T/got")" = '["bitcoin","nostr","straße","σίσυφοσ","日本語","zap_2024"]' ]
}

@test "NIP-27: nostr:npub and nprofile are mentions, a broken URI is ignored and counted" {
	note 1 1 'hi nostr:npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg and nostr:nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p, not nostr:npub1broken' |
	    nostr-enrich -v >"$T/out" 2>"$T/err"
	[ "$(meta mentions <"$T/out")" = '["7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e","3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d"]' ]
	grep -Eq 'invalid nostr: URIs +1$' "$T/err"
	# URIs are not words: hi, and, not.
	[ "$(meta words <"$T/out")" = 3 ]
}

@test "NIP-10 threads: marked, marked root only, positional with one and three e tags" {
	r=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	p=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
	m=cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
	{
		note 1 1 'marked' "[[\"e\",\"$m\",\"\",\"mention\"],[\"e\",\"$p\",\"\",\"reply\"],[\"e\",\"$r\",\"\",\"root\"]]"
		note 1 2 'root only' "[[\"e\",\"$r\",\"wss://x\",\"root\"]]"
		note 1 3 'positional one' "[[\"e\",\"$r\"]]"
		note 1 4 'positional three' "[[\"e\",\"$r\"],[\"e\",\"$m\"],[\"e\",\"$p\"]]"
		note 1 5 'mention only' "[[\"e\",\"$m\",\"\",\"mention\"]]"
	} | nostr-enrich >"$T/out"
	jq -r '"\(.meta.reply_to // "-" | .[0:1]) \(.meta.root // "-" | .[0:1])"' "$T/out" | tr '\n' ' ' >"$T/got"
	[ "$(cat "$T/got")" = "b a a a a a b a - - " ]
}

@test "NIP-25 reactions and NIP-18 reposts" {
	t1=1111111111111111111111111111111111111111111111111111111111111111
	t2=2222222222222222222222222222222222222222222222222222222222222222
	{
		event 1 7 1 '' "[[\"e\",\"$t1\"],[\"e\",\"$t2\"],[\"p\",\"$t1\"]]"
		event 1 7 2 '-' "[[\"e\",\"$t2\"]]"
		event 1 7 3 '🤙' "[[\"e\",\"$t2\"]]"
		event 1 6 4 '' "[[\"e\",\"$t1\"]]"
		event 1 16 5 "{\"id\":\"$t2\",\"kind\":30023}" '[["k","30023"]]'
	} | nostr-enrich >"$T/out"
	jq -c '[.meta.reaction, .meta.reaction_to[0:1], .meta.repost_of[0:1]]' "$T/out" | tr '\n' ' ' >"$T/got"
	[ "$(cat "$T/got")" = '["+","2",null] ["-","2",null] ["🤙","2",null] [null,null,"1"] [null,null,"2"] ' ]
}

@test "URLs and media: trailing punctuation, parentheses, extensions, imeta" {
	note 1 1 'see https://a.example/x.JPG?w=1, (https://b.example/wiki/Foo_(bar)) and https://c.example/v.mp4. also http://d.example/page!' \
	    '[["imeta","url https://e.example/i.webp","m image/webp"]]' | nostr-enrich >"$T/out"
	[ "$(meta urls <"$T/out")" = '["https://a.example/x.JPG?w=1","https://b.example/wiki/Foo_(bar)","https://c.example/v.mp4","http://d.example/page"]' ]
	[ "$(meta media <"$T/out")" = '["https://e.example/i.webp","https://a.example/x.JPG?w=1","https://c.example/v.mp4"]' ]
}

@test "pow counts leading zero bits of the id; client comes from the client tag" {
	need_shared nostrdb/events.ndjson
	nostr-enrich "$NP_SHARED_DATA/nostrdb/events.ndjson" >"$T/out"
	# NIP-13 difficulty computed in jq: 4 bits per leading 0 hex digit, plus
	# the leading zero bits of the first other digit.
	diff <(jq -r '(.id | split("")) as $d
	    | ([range(64) | select($d[.] != "0")] | first // 64) as $i
	    | $i * 4 + (if $i == 64 then 0 else ({"1":3,"2":2,"3":2,"4":1,"5":1,"6":1,"7":1}[$d[$i]] // 0) end)' "$T/out") \
	    <(jq -r .meta.pow "$T/out")
	[ "$(jq -r .meta.pow "$T/out" | sort -n | tail -1)" -ge 12 ]
	note 1 1 'x' '[["client","Damus"]]' | nostr-enrich >"$T/client"
	meta client <"$T/client" | grep -qx '"Damus"'
}

@test "zaps: valid, wrong amount, bad request signature, no bolt11, no amount" {
	target=$(note 2 1700000000 'zap me')
	tid=$(jq -r .id <<<"$target")
	{
		zap valid 21000 "$tid"
		zap wrong_amount 21000 "$tid"
		zap bad_sig 21000 "$tid"
		zap no_bolt11 21000 "$tid"
		zap no_amount 21000 "$tid"
	} | nostr-enrich -v >"$T/out" 2>"$T/err"
	jq -c '.meta.zap | [.valid, .sats, .problems]' "$T/out" >"$T/got"
	cat >"$T/want" <<-'EOF'
	[true,21,[]]
	[false,21,["amount_mismatch"]]
	[false,21,["request_bad_signature"]]
	[false,null,["no_bolt11"]]
	[false,null,["bolt11_no_amount"]]
	EOF
	diff "$T/want" "$T/got"
	jq -e --arg s "$(pub 1)" --arg r "$(pub 2)" --arg e "$tid" \
	    '.meta.zap | .sender == $s and .recipient == $r and .event == $e and .comment == "for the note"' \
	    <(head -1 "$T/out")
	grep -Eq 'zap receipts +5$' "$T/err"
	grep -Eq 'zaps with problems +4$' "$T/err"
}

@test "zaps: the NIP-57 example receipt reads 1000 sats and reports its broken request" {
	need_shared nip57/receipt-example.json
	# The example has no sig; nostr-enrich does not check the receipt's own.
	jq -c '.sig = ("0" * 128)' "$NP_SHARED_DATA/nip57/receipt-example.json" | nostr-enrich >"$T/out"
	jq -e '.meta.zap | .sats == 1000 and .valid == false
	    and .sender == "97c70a44366a6535c145b333f973ea86dfdc2d7a99da618c40c64705ad98e322"
	    and .recipient == "32e1827635450ebb3c5a7d12c1f8e7b2b514439ac10a67eef3d9fd9c5c68e245"
	    and .event == "3624762a1274dd9636e0c552b53086d70bc88c165bc4dc0f9e836a1eaf86c3b8"
	    and (.problems | index("request_bad_signature") != null)' "$T/out"
}

@test "bad lines are rejected and counted; --strict makes them an error" {
	nostr-gen -n 5 -s 2 --kinds 1 >"$T/good"
	{
		cat "$T/good"
		echo '{"id":"x"}'
		echo 'garbage'
		head -1 "$T/good" | jq -c '.pubkey |= ascii_upcase'
	} >"$T/in"
	run nostr-enrich -v --reject "$T/rej" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(grep -c '"meta"' <<<"$output")" -eq 5 ]
	grep -q '8 lines read, 5 enriched, 3 rejected' <<<"$output"
	[ "$(wc -l <"$T/rej")" -eq 3 ]
	run nostr-enrich -q --strict "$T/in"
	[ "$status" -eq 1 ]
	run nostr-enrich --bogus
	[ "$status" -eq 2 ]
}

@test "a bad --zap-max-sats is a usage error that names the option" {
	run nostr-enrich --zap-max-sats 0 </dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "nostr-enrich: invalid --zap-max-sats: 0" ]
	run nostr-enrich --zap-max-sats 21x </dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "nostr-enrich: invalid --zap-max-sats: 21x" ]
}
