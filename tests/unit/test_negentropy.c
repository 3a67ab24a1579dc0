/*
 * test_negentropy.c: the NIP-77 negentropy module: its encodings and messages
 * byte for byte against nostr-tools, two instances of it reconciling sets of
 * many shapes and frame limits, and malformed messages refused cleanly.
 */
#include "nostr/negentropy.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/*
 * Vectors printed by tests/relay/negentropy-vectors.mjs (nostr-tools 2.25.2,
 * lib/esm/nip77.js).  Its item sets, rebuilt by vec_storage: item i has id
 * SHA-256("negentropy vector " + i) and timestamp 1700000000 + i / 3.
 */
static const char V_INITIATE_SMALL[] =
	"610000020a4467cce0066e57947a56ec891d7d38fdecd40dc044483ba208168c"
	"52f5e9dbd9bcd1c939c8a1abc1e760bc7d19e223974a8536e318e6d4497cf423"
	"e3e60e2b09d06882e2d6447f6e3079f810e00ccca0669436af7c5fc1ca0621bd"
	"56e932a4c7799dfe21f46e5b11697e2aab7cf6d9d02741d70cbf04294fb0306f"
	"7369f357fbaeff6349fc14c752b2742e35165983d7963fd74b973c47663de4ea"
	"35679c38d6bab694178091f8740e01c7d5cf8947d7a1c4a64e38406d30f3f8d7"
	"f204f0f0f378a10f327c6dff4fa88774940e6101b8f09e696efcf875455bc4b7"
	"2a24f64da4e9da5414b62e75ca3b425015507bcc26244de72234ccdc976bde9a"
	"967a38c5a9eba3139b0836b0f77ef81e1af1885590c4007cffe875814f236a72"
	"0780ffe50069ab24558841c8ea00720639847a6845f8688d09fd4590974454d8"
	"92ca237884";

static const char V_CLIENT_INIT[] =
	"6186aacfe20f014f01ddf516327871044ef9a7159fdc24ab3410000187a839f2"
	"a0b56a3d9e27bee1fcd6e6cb0f01f501fc4c4640a13522afe6ed715301a57fd6"
	"100001c2d5c92207135b4687f01b44061fee980f016d01b54a7415a1eaa20aee"
	"a7973465046a621000012a6992ce6f1895fc086f5b058e4bd2b50f01c201858d"
	"f33022057befdba75b8d1f0f287b1000019cb9693af274ad91e16cc701fb3450"
	"610f01650109674244a77a154b099851e83fb2bfa81000012b634d5efd0f7848"
	"993c3d291f4682200f000198cc17da475fc869df8c74da78fbd7fa0f01520137"
	"d7283c6d27b4063b02766f59f822580f012901a9d3d8cf3944dde93706e9d884"
	"277cfe0f018e01df5c9cabef43e47e957e2f291eee4cec0f01f0014e764c4e3d"
	"e5b0340cfd2160ca235e94000001e03683587634193d914d263ac68f3e94";

static const char V_SERVER_REPLY[] =
	"6186aacfe2020001f266d43ad07f357ce31e15684ee36c3f0201e901a3a5aba5"
	"3582ffcaf722160ff2c764400201e70102cfb16ee6948f2ca52fdcfadbd71891"
	"0201b0012cebf7a88673f9444e3e58e63acea11002015301a27660160a389660"
	"c1c24f0e53c02ba702014701be945348880eb26999d80cb8c38ae42a0201a501"
	"c751bc65af564caa14e4c057b06f346702019901e002048069fadf957c649c58"
	"98c5267f0201a40162f532e09006b79b5bad1424e592ce7b0201a4018c9d4a34"
	"1fedb2971b7d20632ce863d602019b017aa50259961b17c761122515a5d32d27"
	"0200019ff5f7f88d262a7d742ec9df810bfc650101e801d741583c955e2a95ad"
	"64741410e73da20201c5014a9a84ff118bfa0884b3f1898654e7c9020001c11e"
	"4f62ce25ed485df1c332cd02b5f701014f01b50dc6766716c2c2e988bccb1c84"
	"5e6e100000020001d0ef0777749e3de14d7e75a6d22a59f60201ca01cea69308"
	"078b4f770660192d53ad92d202013c0161821c59ecff04afa0c148adb9f39482"
	"0201c20108104f8d0ce3732ed6202d6be0840bb30201a20193c3b87a3783c501"
	"6dd32318265e7de1020158014036dd19b9de14a21a51c6a1e3aa2e5e02014e01"
	"c0410dd9f71f8f49210878b4a0075bca02010601c6f323e80d3a05e249dae4a6"
	"a45e3eb1020158012cfd7b4356da762204a5594adb8aa6870201530193c25cc7"
	"f465f25b5257541f926ffbdb02018f01120fc19d8bf7651b86f03b5d1b2de4ce"
	"0200013b4bcdec386c463c54a4592faa2b36ed01018b01b1f8d3e0a521fc2935"
	"99c080b6a91eae02017c010034418a64963f9e50beb7e71fc3aa450200016ba1"
	"a80ac2d19864c84cf9387fca90c10101f501e0a6b3b5d4cee07667c5331c869a"
	"5f5a1000000200017ceb6b2c50f2ed655ffc55ff346a38860200013db7bc8b35"
	"c9a4c8f67f6f8b07bfecb3020176012f8719f954e542a433eb6ed5616d9e3402"
	"0135010daa3268be64a05cdf09f2cab979a72d02010c0106571f3749717f41ab"
	"2fa651dceb3a6b02012301fd9d906436d9ab5b05e85a14d00e3e760201b70122"
	"6e184033f04ef23890d065bb8992120201d201a04ea1c73ae8bf348709290d65"
	"acd93b02019b01a4ffa98c66690534235ee3738e3d0a8b0201bd0198ff938aaf"
	"f6f728dcfec4edc094c60f02014f014ae2f245cd0ca6ec5eec247b0a4774d202"
	"0001193f43f3b93a20d63afbbbf82d4f1c7901017f01e2e8f8404f404ad2148e"
	"c4cce281d1ca0201bb0100f340dabc2617e02cf930f9cfb950c60200010d6de3"
	"139cb67fdea13859d2ad354e8c01016d015b60dd2170e281c352ef0d2db8cb92"
	"f41000000200018a13009b8f509815a9181468dfc4ab8d020001c7559268c6c5"
	"749cec3b7d50b7ca9998020001b941e1893905adc280c8ab227b0d1582020118"
	"01857b19d3246925f6c59fc5e4be4d76dd02015e016bdb7238a2f610742dd40b"
	"0d1a299acc02015d01c4101b7f2d39b287693696dc6144614102022dcb019423"
	"61d1ab3d9b76dd6e92d157c32b4002013101d2abd144f6e165a2301582a59f60"
	"bab70201b301d7c53cab794f7e39c604fb5754533eed0201a2016d24b2c761d4"
	"e45c063924d5005365dc02018201393d494ce6f224047c7eb7380ea46ce50200"
	"0106b8495538b473ddef5f526f4217a1b50101f201d0e7487830e5f0d6f91a9e"
	"7ea79144b502010401f93060a309e7bd706615aee34e4eb6da020001f9b16b37"
	"01bf4f31d72ecf2871464fed0101c2015ab529bb33cb5fe337dbcb7816f086a4"
	"10000002000165056b632fe279211825fffb9b95576f020001d5b0c777fb15a8"
	"25cf92e2bac20b93670200010d6fb32200d273741fae32f23e55b0540201b401"
	"5ae164d381abb4899971ca6e544346870201bb01bd7870d25d9d32fa5557bae8"
	"a78ecec602012f01e5ee61f9492a20befb5cbe88e6e4652402016201ea314de3"
	"01d72c40492743e8770b603f02014f010b81f265e5df63415efe055b169034bc"
	"02018b015d0b2d635e4cd6237080360a084d6212020180011ab98eacf1ef5dec"
	"bef7f78bb2a168f3020001f26091d6cffbda4e95157bea15d187260101bd0198"
	"47b52b0ff84401a085198edbf5e45b02018901a54a95dac3ab2d629a23b3ec4f"
	"98d281020001515381988a06bf07359a5a651e8d95190101da01cddd9729fe1e"
	"7489ae96870a2e1609a9020165017eb67fae4a3773105c9493c670b4ab670201"
	"97018fdf7cb8c8026ebd994bd6c1e93c0517020191012ad81284bc78edbebdd0"
	"8fada016e0b7020181015d861330b59ab4e23b01cc8ffc00dc78020234bb01aa"
	"4ec454eb0c248c0b0a715685bcba690201590145b08c4220fca1f6795ba6e0a5"
	"f9761602018a01492cb89739084017a7554cde3261a64102016301f69f078b5d"
	"84931cec2400bcaf008c440201770134d57d2920e5cd6879368805deddb77e02"
	"013e0110b28d0d10cd97cc78c6aeae041468870201960110574b4594adab9a01"
	"cda89d0ee69eca02017d017c5863bdc9a7dcd1790bcb756a1c7d530201a001d6"
	"80cfecfeefffe8a81c09179775729202000118a9c628e40bdee0d3b2c6e72cfb"
	"65f00101e0015b66a2d532a1bd94421391a83ebefcb802018d01f56027579fcb"
	"a7bb69f0a28f6c93f5d2020001eab7135290425f67ef4019bc1989fd8f020001"
	"e61af2cec4fbd59cb920ef55bc6decc4020001ac394c2eb77310b4cf1f09c5b9"
	"43e4090200013e52675e92d919ae56c2202f72adf09a020001acf8b22bd15822"
	"fe28ee998f10f58d280201d701aef6f362a1ae21199e43cc6dd5426e2d020127"
	"0165c29c8f099b23099d3f94642b1cfdf702019f018ffa2160125a165ad047b5"
	"4bd61897180201d501904c4027a4ab07ae45e267737f79b9600201b501722b66"
	"c1fe5e621a7d6541425106238502000142bdb3cf32864a26bcaa1dfb68609c0c"
	"0101ee01a7409aa79e3d7a3bd5aa009b78262ee7020185015473f599a5f517c4"
	"a580fe2f127ca64102000101c7744481164957e7065b7853044d4a010185017e"
	"fff26762a0dc8923af9f9f0e0ce1600201b9010ae50fdc2feae6994c9b5e7944"
	"7593cc020001545ccfccd2357e0d39f84a33474f1c9e020001e0b290b21552aa"
	"4a2d55f14d238d2986020001a002096d2e4f53495d1f7b9d438605180200018b"
	"3b2320fb6011a882855a6644ed643e020001d2ffdf88e43ae590487dd969cfad"
	"8c9b0200010e7bed799c6791b398af4ef8f121cecd0200013529fb73abadf65e"
	"f2f0fbb3dceca390020001dfef23db01c3a32c47e80dbbd9d4b05102000115f3"
	"08276fda1ce73f05d33d9a897ffb020001ae54ce80069280c580dbd5ac835cd1"
	"75020001724f994764dba6478ff83d73d5fd9fa402000186fa3fdb32f604b799"
	"b83aca18f83b2d0101b8017733f881b4cdf0379c4e9e87cb1e153902016801b1"
	"8dc4614da9f9654e380933b72221c7020001878bf3c46240588ba26efd1a7579"
	"601e0101f101e37efa0e2e512cfabb351d5986bd92ec0201520184b5c6daa2e3"
	"0e1e01047aa7ee86fcac0201d00137b9984bf1a9f502e0437e3ea5ce34620201"
	"c801e8aede7cdf3e5e10af11d813937f02da0201730146e11d949b0f4f8380b7"
	"216d4e3739c0020158013a1dc132bb3bd0ff052c23b6db314c2d02015e0142e2"
	"32c8eb43f8a5347b48a5249b0c310201eb01b8c490a9725e666c0ffab8fa8a9e"
	"b6040201f401a72464ef6bb4a50788b4aadbe4983a200201c1014fab87e5782a"
	"04455f7885b184c3545e0201d201a1ed2f31db673269304c2e0f307dea040201"
	"e0012d6f99b08f9ed17fffd4e471eb584944020001bbfa13d89feec2728d3a5c"
	"1fe170869501017901af5c9a6a6e5779fe871eb3c8feaceb1802019501430351"
	"ccca8f58db4f4e64a874a44996020001d374dda27306cf466c1ccd1213d2ae73"
	"0101e1011e9660e87c8928191474326e0e5fb83702012901ed4e105677f095e3"
	"edbff4f0e6c519fb020170019abb57b5a937adcf3a71c678536132220201b601"
	"45efc3ace702e3e4e59e3fd7d6e4d098020174012a0b38d831aa3f45b1b40f92"
	"44094063020150015927190887b6fecb15aa614531a072fc02018801af119701"
	"300d52cc8f60009009dfbc93020129010071c664c0185eb07d169682368961ae"
	"0201320108eefc209a7ad4ac3f84f9c669bd015e0201cc018dcebeeba8f2b3da"
	"74fe8a9b88ba7e2902019901dd122965ab6cb83591eaa74ce803fa4c0201a401"
	"f130f3e5ad7d52f1cc0590aaaf351dcb0201fe018a8c49ea048d41617ac909cc"
	"ba516685020001a691c2d0b51feb6ec957b0b9f57700a10101c601c56dbf4ff5"
	"3597f2e43b7484aa7968d002019c0144d3c75279d1c96693261a23b6d2982502"
	"0001f71966a12dae8ac02a29d24db59305c501018e016e67ab309c8424a96287"
	"8cf9d87e233e0201dc01448714f1085a837187135ae3b871ea2e0201ac018161"
	"af2599bdc929f3c0546c80a9d50002018701988f41ed122519f2c92955e0aaae"
	"546b0201fb011d05dcc06831abb88dc4a962100604da0201760175d715cf5d8e"
	"eeb3ad7153015589cbdd0201a901924af2cac7c3c0d6c15035bd4ee868790300"
	"016192b8e8a40509187f604b126725a2bd020001a09ee56efd500cef40639804"
	"e30e65a4020001409c821c5521581177b6d5d6d4714f4c010196010cbe930dd0"
	"f4b951506c53c0d4bb2a350201600111e52a94c657bee5b29dcc2b82d77c1102"
	"000143a5608e9289a65367f0663743508f250101d80106074f57b36335133165"
	"cd4d16828f4302013001eafcab22a62dca63b1709f76921584e5020001bfd1d9"
	"02efffd76671be115aea43096a0101f0017f4b8808c2a1895fb040366ff6e45c"
	"ed00000203f06045a4c5182ed9c884ad9f43be2c73743059b5c38c07c24f79e7"
	"d943c2327508cc3f0914219a24d80f7a454de9ca7e7c775838fce893f963a948"
	"b344adb7ed9dc61ae4550b1d3b80f45abe294205200c2e6dd93bee583b7fd3cc"
	"aab53c7742";

static const char V_CLIENT_NEXT[] =
	"6186aacfe20200000201e90203799dfe21f46e5b11697e2aab7cf6d9d02741d7"
	"0cbf04294fb0306f7369f357fbaeff6349fc14c752b2742e35165983d7963fd7"
	"4b973c47663de4ea35679c38d678a10f327c6dff4fa88774940e6101b8f09e69"
	"6efcf875455bc4b72a24f64da41d00000201ca02044ab7709f573667c42f0ced"
	"dde7523ba7539c9d6dd51a4077cee87e7d75244b759efc3625ac661887451e86"
	"8249dab2888718b47440da0a8704bd27eaa147cc26d35458ab47b33b86f3d5b7"
	"8258baa3091576ffd87396d46315064dbe25bb13918b3c08878b877823dec7bf"
	"20843c623edd657d0f7d13fcea78e605caa15ffe720401a2000201580202ccfd"
	"a11331c26a2669ed21f51cd6c24d47570ad2a1dff1364017cff690a2b8bf2785"
	"c83b996d24ebb9994e8eb2dd1a6a49a50f1879441ee14932fee6542a76b11a00"
	"0002017602046b474b4337412934e5ff7a79541a295b824db8409c805e390892"
	"b09c820c73af6db0521c570c3df5b9b36396a625ccc5210ce312fe1dfbf68eff"
	"91414d25a659c38bd73608750940cacfc12401da194e5d0ad8fb25066d41b895"
	"e6d76d83aeae26123c2485d1090c2fcc77353956b527b57166f959ea52ea7417"
	"431bc29009a30601d20002019b0202d979e786edb8a0e55e1af5571c883d3301"
	"718d7c9fcc1716bea79626de6825c47a058f4a56b43ee6aceb6709a0f0d564d6"
	"0ea3b77ce7d41785e562d263d84bb018000002011802040c5ed7062d919c67c9"
	"281ea27f7493fe379e223f5f99a6399ed27c9818526d42e466ffabc039248eeb"
	"2d19e84510904972e6bd4d679e33f35e50a9c55f4355b3f1425f050320196a1d"
	"fedfc6a8db969eb97b9acb07a165cbd2c4803b4c70b7cb16ed8834fc58c725db"
	"4c873f7d5746b017c317b8330e1b47f35178e5e385ef2d0801820002000201b3"
	"07793da3bf30bd30e230c410f78f31cfdd902232e07136e2a2d5d3b7428c1d15"
	"00000201b40204011a776a79b2573149c5c3d8fa4192a91ae632e77d78b1bed2"
	"c480029ae15ba150bbfc282b9b53bb38641cb911c31518feb72a0099f1ab17f5"
	"9618b99adf2325c1c21cb2709bc45f4da5988ae16f95d4b50724299a50f89cb2"
	"2cb8280137ea9e0f0908195d9712f9ce8e0d10574d8103766981df1836ea9335"
	"b86294fc9600190c0197000201910202e9970ba59674ec0b271fdde0cf61274f"
	"6be848265260fefe7d8f539baa9a8a2781842e02e2cd3ea1ada0c917d572ff80"
	"892e467393b3cfdeff8ff3ac9496fa6c1200000201d70204205468587452b414"
	"5d8dfe86d8ed7a60175972175d5de17d2fa80ab2d5cc5da936e1fae35263d5ab"
	"bfda25dde8b4e6e21b1257bc17ed5af8cb7699205ccbdaffb260934747935b55"
	"f16bfdaee1fbf89c4531c2371f354472e9166c37c3d5347c0ffd6f352f004545"
	"346057b29ffc187c5ee3dd7826aa4e1fb2226d192c8a24650e00000200020260"
	"e761b31060fc5066a7b1e1016ce8d17c6b16995726322cda63d602c32dc3e799"
	"22f4569be1fe0287f409ed85a65e47283fa9c4e0540391f4caad9b382281a00f"
	"015e000201eb02045ef9c51a2d22f5d5efb30d316c1f8f0a7371bf2945ca4c1c"
	"1a97e666b77ad6da7416165fa7bc8a15ebd466b35a8543ffee4d1455944b92c7"
	"ec57aae04fc9d1f5371e737a02ae2af29863feae0f473f1a20bac0624746a23f"
	"d2ab3f71f97f3d09736cca5a5d83b6b5c0117c06d7ea362bf70c292e29b33e43"
	"85188349df3781681101cc000201990202ccb0f68d2eed771c6b9e94cd64a7b0"
	"c69dba1cbf976c8c2eb6e7c58c91c4fb395d9d53bb6f3cb832d7fa88c486b757"
	"04620f2f2c779caf0107003f29fdcd09150c01a90003000204a90783fd19ea99"
	"4298c497bb1d655b41000637ccfebeca76a45344e905d48e22228b7219261648"
	"8970765a54fcd9c73f9118dc82d408359a0bd666f8689f5e57c4c335646b96a5"
	"51895c7af443f5b0815a930fbf2a6c4cb2ba5b81f173b36634c9e01074fa7694"
	"35184aa2cf3cd3ed85c0dbf37ec8259469b6646592d2faa99e";

static const char V_CLIENT_HAVE[] =
	"00e69ebf0fcb4a51fd1a2995bdfb2cafee9b5386dac8c7af6123671c6ab3a4ea"
	"14e498686e11f3611c580a2a05026965e2507bc34c93571d7612c474e8c7cb04"
	"183340ee9f98ea244b5a1a9bacc141b7d2bf1fece01e8cca9552b8557bc535b5"
	"1a97f6d2a7c09fc0d126ed8e884d473ee6f28734627118e4fa3e025a0d5113d9"
	"2ea83b7552211598ad098e2fb534692ba3dd7dd605756eb75bf79c03ebefeb23"
	"332828fa7fed3035104cab75b4465dd06cd9cbc999cd349b208a7844c3fb1288"
	"3c7e04a9f0071ae2f062ebc4d1b9e228341413d1c8cb0e2936436e05941d45fb"
	"3d55d538dacb602fe3e7c03b39f4f489d35b135e1d6e854b536e14ab047f1641"
	"3e5f7d5e63bd28f17bee30f626015b7e9d19201f9272ce0ba5a97efe6cb42956"
	"4ad73b46f848408d88a1b7a144ccd670b0f0002a29245dadea689f7da1bbbe53"
	"53d2874a23573a67f18e5d88bb875f8fdd2da85a9b6433cac2d5bfe5fae8fa70"
	"61a41c127ad33d34356281ce029ca4eeb09005492bd3a49620cd24e6779023c6"
	"6712f3127c0e3beb87a6f0a9f7791dbd99fabef3142f2ba27a3c73cd8539e4ad"
	"6e51720e59b8a7075f214a8f1671f8c1c7b7ce36ca1be43d6015ea1dd47eb1ba"
	"74ca7be8a3381f1a8cb49fcf183ccbea3d94051531638d2fd91bd3c2fe0bc314"
	"7aa57f873d5133fa0894009c48f6bb6030497af96244c880d2b3b9526a2b791c"
	"7eb5a244033044dbb635e5ec9a7c7522d4d868fdc995e9e2de7810bed8438ee2"
	"802f067d7a7585644fea38660c2a53d6244ffd82edb863a96c448adc882cbdc4"
	"826e72a71ab59a30b768e44f4e9a86ec3d87ddaf78316929242b913aba65b173"
	"82fea09d43caae3b493ad35f1181db331b6b3f8ee48900d623eca02c7082ac44"
	"8513dc50478257a847cffa5428a22ba0b476067885a333387b7680ed1540db08"
	"897953bc73e4c241ba1f2f9d20ab8311bb608462cb6a32ceab7ab84464622ac5"
	"89dfe128736225365c48e4df9a4ea038f9df647944410c38e6ec19597b5f38e7"
	"8f0e7ad200ab4c854c6968dd994914b09bdb598368c0579673dcdd69bce3eae1"
	"926181886e55fc36cf540c4d613d0df41272c37ea6d48789770fb3fcb5cc7049"
	"9793e4ffa36d7081383f3211ddf28eaac00ff8a86e15a51d81bab32b108d815a"
	"9a669d8df1f62921cdab16d7380f918cf5b8497654a21af71448cff5d62f69e7"
	"9c0ba85a95b11872986d5d1b2fd477053922d8ae9c38b9930ddd16d2dd6aad1e"
	"a5bc31aa2904f4ca1517344ae4cc19ef2c37207f22ff4f587cbde7144129273e"
	"b018e4bb9cf71520d004b7ead7a773bb9ddc8cbf741ee23aa46b149fddae18e0"
	"bfbc5d526b8f23f50032a8a3c78cfb53619e0026139c80d11ea8d5a8430e2c54"
	"d765a157e9afedc194656675d466a905706f4cc843229cc284396dfed5819f91"
	"d7c8c834afe87c7fd7448d940d1d7df8f8452ff88183393582ecd1ad9cea76cc"
	"d93f55d588b6099bed43b85352516e855f5ed324b3f7a5c070d9018cbc258daa"
	"da8baca8ceba129fbbcc3badae305f54b2b89971751199a8c524101d9ebb9731"
	"dc6bc52d1080627021744a8fd4e7f515306110b16acc559b785cda3ee3842d34"
	"e0212d9552962a6aac9fecdd5f7080e30ce17a8fee2556d66442195b8bd9f81f"
	"e1a60c03e1f458ce274b93475c384dae40aa97bdadf8a1c0ce39cd645abc4791"
	"f0c3673e0a647551d94714c637f660a7545bd3729a6b80d278856afa17430cd0";

static const char V_CLIENT_NEED[] =
	"";

/*
 * tests/relay/scripted.js as a server (neg-server.js): the IdList of
 * initiate-small turned into the Fingerprint of its ids, and nostr-tools'
 * answer to that from items 0..11 less item 4.
 */
static const char V_IDLIST_AS_FP[] =
	"610000013d47535c084cfee3a39aec5f630c7731";

static const char V_IDLIST_REPLY[] =
	"610000020b4467cce0066e57947a56ec891d7d38fdecd40dc044483ba208168c"
	"52f5e9dbd9bcd1c939c8a1abc1e760bc7d19e223974a8536e318e6d4497cf423"
	"e3e60e2b09d06882e2d6447f6e3079f810e00ccca0669436af7c5fc1ca0621bd"
	"56e932a4c7aeff6349fc14c752b2742e35165983d7963fd74b973c47663de4ea"
	"35679c38d6bab694178091f8740e01c7d5cf8947d7a1c4a64e38406d30f3f8d7"
	"f204f0f0f378a10f327c6dff4fa88774940e6101b8f09e696efcf875455bc4b7"
	"2a24f64da4e9da5414b62e75ca3b425015507bcc26244de72234ccdc976bde9a"
	"967a38c5a9eba3139b0836b0f77ef81e1af1885590c4007cffe875814f236a72"
	"0780ffe50069ab24558841c8ea00720639847a6845f8688d09fd4590974454d8"
	"92ca237884e7c52b1b955750351fbe90d7963e8dc938dfad0e56000a05c857b9"
	"77b4579e23f526b4aa5f384c38719282225dd281f5d2932796c5607f679cbf4c"
	"3c217f67f1";

/* ---- helpers ---- */

/* tohex: b's bytes from offset from as hex, in a static buffer. */
static const char *
tohex(const struct buf *b, size_t from)
{
	static char s[1 << 16];
	size_t n = b->len - from;

	if (n == 0)
		return "";
	if (2 * n + 1 > sizeof s)
		return "(too long)";
	hex_encode((const uint8_t *)b->data + from, n, s);
	return s;
}

/* unhex: decodes hex string s into b (emptied first). */
static void
unhex(const char *s, struct buf *b)
{
	size_t n = strlen(s) / 2;

	buf_reset(b);
	buf_reserve(b, n);
	if (hex_decode(s, (uint8_t *)b->data, n) != 0)
		abort();
	b->len = n;
}

static void
vec_id(int i, uint8_t id[32])
{
	char s[64];
	int n = snprintf(s, sizeof s, "negentropy vector %d", i);

	sha256(s, (size_t)n, id);
}

/* vec_storage: the items i < limit with i % mod != skip (mod 0: all). */
static void
vec_storage(struct neg_storage *s, int limit, int mod, int skip)
{
	uint8_t id[32];

	neg_storage_init(s);
	for (int i = 0; i < limit; i++) {
		if (mod && i % mod == skip)
			continue;
		vec_id(i, id);
		neg_storage_add(s, 1700000000 + (uint64_t)(i / 3), id);
	}
	neg_storage_seal(s);
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static void
sort_ids(struct buf *b)
{
	if (b->len > 32)
		qsort(b->data, b->len / 32, 32, id_cmp);
}

/* ---- encodings ---- */

static void
varints_as_nostr_tools(void)
{
	static const struct { uint64_t v; const char *hex; } vec[] = {
		{ 0, "00" }, { 127, "7f" }, { 128, "8100" }, { 16383, "ff7f" },
		{ 16384, "818000" },
		/* nostr-tools codes 32 bits only; these two are the protocol's text. */
		{ 4294967296ULL, "9080808000" }, { 9007199254740991ULL, "8fffffffffffff7f" },
		{ UINT64_MAX, "81ffffffffffffffff7f" },
	};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		const uint8_t *p;
		uint64_t v;

		buf_reset(&b);
		neg_varint_put(&b, vec[i].v);
		CHECK_EQ_STR(tohex(&b, 0), vec[i].hex);
		p = (const uint8_t *)b.data;
		CHECK(neg_varint_get(&p, p + b.len, &v) == NULL);
		CHECK(v == vec[i].v);
		CHECK(p == (const uint8_t *)b.data + b.len);
	}
	buf_free(&b);
}

static void
varints_malformed(void)
{
	static const struct { const char *hex; const char *why; } bad[] = {
		{ "", "truncated varint" },
		{ "81", "truncated varint" },
		{ "ffffffff", "truncated varint" },
		{ "8001", "varint not minimal" },
		{ "82808080808080808000", "varint overflows 64 bits" },
		{ "ffffffffffffffffffff7f", "varint overflows 64 bits" },
	};
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const uint8_t *p, *start;
		uint64_t v = 7;

		unhex(bad[i].hex, &b);
		p = start = (const uint8_t *)b.data;
		CHECK_EQ_STR(neg_varint_get(&p, p + b.len, &v), bad[i].why);
		CHECK(p == start && v == 7);
	}
	buf_free(&b);
}

static void
bounds_as_nostr_tools(void)
{
	static const struct { uint64_t ts; const char *prefix, *hex; } vec[] = {
		{ 1700000000, "", "86aacfe20100" },
		{ 1700000005, "ab", "0601ab" },
		{ 1700000005, "abcd", "0102abcd" },
		{ 1700000300, "4467cce0066e57947a56ec891d7d38fdecd40dc044483ba208168c52f5e9dbd9",
		  "8228204467cce0066e57947a56ec891d7d38fdecd40dc044483ba208168c52f5e9dbd9" },
		{ UINT64_MAX, "", "0000" },
	};
	struct buf b = BUF_INIT, all = BUF_INIT;
	uint64_t last = 0;
	struct neg_msg m;
	struct neg_range r;

	buf_putc(&all, (char)NEG_VERSION);
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		struct neg_bound bd;

		memset(&bd, 0, sizeof bd);
		bd.ts = vec[i].ts;
		bd.len = strlen(vec[i].prefix) / 2;
		hex_decode(vec[i].prefix, bd.prefix, bd.len);
		buf_reset(&b);
		neg_bound_put(&b, &bd, &last);
		CHECK_EQ_STR(tohex(&b, 0), vec[i].hex);
		buf_append(&all, b.data, b.len);
		neg_varint_put(&all, NEG_SKIP);
	}
	/* The same bounds read back as one message of Skip ranges. */
	CHECK(neg_parse((const uint8_t *)all.data, all.len, &m) == NULL);
	CHECK_EQ_INT(m.nranges, 5);
	for (size_t i = 0; i < 5; i++) {
		CHECK(neg_msg_next(&m, &r));
		CHECK(r.upper.ts == vec[i].ts && r.mode == NEG_SKIP);
		CHECK_EQ_INT(r.upper.len, strlen(vec[i].prefix) / 2);
	}
	CHECK(!neg_msg_next(&m, &r));
	buf_free(&b);
	buf_free(&all);
}

static void
fingerprints_as_nostr_tools(void)
{
	struct neg_storage s;
	uint8_t fp[16], ids[5 * 32];
	char hex[33];

	vec_storage(&s, 5, 0, 0);
	neg_storage_fingerprint(&s, 0, 0, fp);
	hex_encode(fp, 16, hex);
	CHECK_EQ_STR(hex, "7f9c9e31ac8256ca2f258583df262dbc");
	neg_storage_fingerprint(&s, 0, 1, fp);
	hex_encode(fp, 16, hex);
	CHECK_EQ_STR(hex, "dc7ddc54ccdfcee1e381da8a9f498e37");
	neg_storage_fingerprint(&s, 0, 5, fp);
	hex_encode(fp, 16, hex);
	CHECK_EQ_STR(hex, "5555cc5755d9778c41f2741e40b3991f");
	/* The order of the ids does not matter to the sum. */
	for (int i = 0; i < 5; i++)
		vec_id(4 - i, ids + 32 * i);
	neg_fingerprint(ids, 5, fp);
	hex_encode(fp, 16, hex);
	CHECK_EQ_STR(hex, "5555cc5755d9778c41f2741e40b3991f");
	/* Carries cross all four words: 0xff.. + 1 wraps to 0 mod 2^256. */
	memset(ids, 0xff, 32);
	memset(ids + 32, 0, 32);
	ids[32] = 1;
	neg_fingerprint(ids, 2, fp);
	{
		uint8_t zero[34] = { 0 }, d[32];

		zero[32] = 2;
		sha256(zero, 33, d);
		CHECK_EQ_MEM(fp, d, 16);
	}
	neg_storage_free(&s);
}

/* ---- messages against nostr-tools ---- */

static void
initial_message_small_set(void)
{
	struct neg_storage s;
	struct neg n;
	struct buf out = BUF_INIT;

	vec_storage(&s, 10, 0, 0);
	CHECK(neg_init(&n, &s, 0) == 0);
	CHECK(neg_initiate(&n, &out) == NULL);
	CHECK_EQ_STR(tohex(&out, 0), V_INITIATE_SMALL);
	CHECK(neg_initiate(&n, &out) != NULL);
	neg_free(&n);
	neg_storage_free(&s);
	buf_free(&out);
}

static void
messages_as_nostr_tools(void)
{
	struct neg_storage cs, ss;
	struct neg c, srv, srv60k;
	struct buf m1 = BUF_INIT, m2 = BUF_INIT, m3 = BUF_INIT, have = BUF_INIT,
	    need = BUF_INIT, in = BUF_INIT;
	int done;

	vec_storage(&cs, 690, 97, 5);
	vec_storage(&ss, 650, 89, 3);
	CHECK(neg_init(&c, &cs, 0) == 0);
	CHECK(neg_init(&srv, &ss, 0) == 0);
	CHECK(neg_init(&srv60k, &ss, NEG_FRAME_NOSTR) == 0);
	CHECK(neg_initiate(&c, &m1) == NULL);
	CHECK_EQ_STR(tohex(&m1, 0), V_CLIENT_INIT);
	/* Our server answers nostr-tools' first message as nostr-tools does. */
	unhex(V_CLIENT_INIT, &in);
	CHECK(neg_server_step(&srv, (const uint8_t *)in.data, in.len, &m2) == NULL);
	CHECK_EQ_STR(tohex(&m2, 0), V_SERVER_REPLY);
	buf_reset(&m2);
	CHECK(neg_server_step(&srv60k, (const uint8_t *)in.data, in.len, &m2) == NULL);
	CHECK_EQ_STR(tohex(&m2, 0), V_SERVER_REPLY);
	/* Our client reads nostr-tools' reply as nostr-tools does. */
	unhex(V_SERVER_REPLY, &in);
	CHECK(neg_client_step(&c, (const uint8_t *)in.data, in.len, &m3, &have, &need,
	    &done) == NULL);
	CHECK(!done);
	CHECK_EQ_STR(tohex(&m3, 0), V_CLIENT_NEXT);
	sort_ids(&have);
	sort_ids(&need);
	CHECK_EQ_STR(tohex(&have, 0), V_CLIENT_HAVE);
	CHECK_EQ_STR(tohex(&need, 0), V_CLIENT_NEED);
	neg_free(&c);
	neg_free(&srv);
	neg_free(&srv60k);
	neg_storage_free(&cs);
	neg_storage_free(&ss);
	buf_free(&m1);
	buf_free(&m2);
	buf_free(&m3);
	buf_free(&have);
	buf_free(&need);
	buf_free(&in);
}

/*
 * The path of the scripted relay: our client's IdList read by nostr-tools as
 * the Fingerprint of the same ids, and its answer (its own ids) read by our
 * client, which then lacks items 10 and 11 and has item 4 they lack.
 */
static void
idlist_as_fingerprint(void)
{
	struct neg_storage cs, ss;
	struct neg c, srv;
	struct neg_msg msg;
	struct neg_range r;
	struct buf m = BUF_INIT, conv = BUF_INIT, reply = BUF_INIT, in = BUF_INIT,
	    next = BUF_INIT, have = BUF_INIT, need = BUF_INIT, want = BUF_INIT;
	uint8_t fp[NEG_FP_SIZE], id[32];
	uint64_t last = 0;
	int done = 0;

	vec_storage(&cs, 10, 0, 0);
	vec_storage(&ss, 12, 12, 4);
	CHECK(neg_init(&c, &cs, 0) == 0);
	CHECK(neg_init(&srv, &ss, 0) == 0);
	CHECK(neg_initiate(&c, &m) == NULL);
	CHECK(neg_parse((const uint8_t *)m.data, m.len, &msg) == NULL);
	buf_putc(&conv, (char)NEG_VERSION);
	while (neg_msg_next(&msg, &r)) {
		neg_bound_put(&conv, &r.upper, &last);
		CHECK(r.mode == NEG_IDLIST);
		neg_varint_put(&conv, NEG_FINGERPRINT);
		neg_fingerprint(r.payload, r.count, fp);
		buf_append(&conv, fp, NEG_FP_SIZE);
	}
	CHECK_EQ_STR(tohex(&conv, 0), V_IDLIST_AS_FP);
	/* Our server answers it as nostr-tools does. */
	unhex(V_IDLIST_AS_FP, &in);
	CHECK(neg_server_step(&srv, (const uint8_t *)in.data, in.len, &reply) == NULL);
	CHECK_EQ_STR(tohex(&reply, 0), V_IDLIST_REPLY);
	unhex(V_IDLIST_REPLY, &in);
	CHECK(neg_client_step(&c, (const uint8_t *)in.data, in.len, &next, &have, &need,
	    &done) == NULL);
	CHECK(done);
	vec_id(4, id);
	CHECK_EQ_INT(have.len, 32);
	CHECK_EQ_MEM(have.data, id, 32);
	vec_id(10, id);
	buf_append(&want, id, 32);
	vec_id(11, id);
	buf_append(&want, id, 32);
	sort_ids(&want);
	sort_ids(&need);
	CHECK_EQ_INT(need.len, 64);
	CHECK_EQ_MEM(need.data, want.data, 64);
	neg_free(&c);
	neg_free(&srv);
	neg_storage_free(&cs);
	neg_storage_free(&ss);
	buf_free(&m);
	buf_free(&conv);
	buf_free(&reply);
	buf_free(&in);
	buf_free(&next);
	buf_free(&have);
	buf_free(&need);
	buf_free(&want);
}

/* ---- two instances of ours ---- */

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

struct pair {
	struct neg_storage c, s;
	struct buf only_c, only_s;     /* the expected have and need */
};

/*
 * make_pair: n items in the union; each is on both sides, or (with
 * probability diff_pct / 100) on one side only, chosen at random.
 * Timestamps fall in n / 4 seconds, so many share one.
 */
static void
make_pair(struct pair *p, size_t n, unsigned diff_pct, uint64_t seed)
{
	uint8_t id[32];

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	neg_storage_init(&p->c);
	neg_storage_init(&p->s);
	memset(&p->only_c, 0, sizeof p->only_c);
	memset(&p->only_s, 0, sizeof p->only_s);
	for (size_t i = 0; i < n; i++) {
		uint64_t ts = 1700000000 + rng() % (n / 4 + 1), r;

		for (int k = 0; k < 4; k++) {
			r = rng();
			memcpy(id + 8 * k, &r, 8);
		}
		r = rng() % 10000;
		if (r < diff_pct * 50) {
			neg_storage_add(&p->c, ts, id);
			buf_append(&p->only_c, id, 32);
		} else if (r < diff_pct * 100) {
			neg_storage_add(&p->s, ts, id);
			buf_append(&p->only_s, id, 32);
		} else {
			neg_storage_add(&p->c, ts, id);
			neg_storage_add(&p->s, ts, id);
		}
	}
	neg_storage_seal(&p->c);
	neg_storage_seal(&p->s);
	sort_ids(&p->only_c);
	sort_ids(&p->only_s);
}

static void
free_pair(struct pair *p)
{
	neg_storage_free(&p->c);
	neg_storage_free(&p->s);
	buf_free(&p->only_c);
	buf_free(&p->only_s);
}

/* longest_idlist: the most ids of an IdList in message m (0: none). */
static size_t
longest_idlist(const struct buf *m)
{
	struct neg_msg msg;
	struct neg_range r;
	size_t most = 0;

	if (m->len == 0 || neg_parse((const uint8_t *)m->data, m->len, &msg) != NULL)
		return 0;
	while (neg_msg_next(&msg, &r))
		if (r.mode == NEG_IDLIST && r.count > most)
			most = r.count;
	return most;
}

/*
 * sync: reconciles the pair with frame limits climit and slimit, checking
 * that no message exceeds its limit; returns the rounds (client messages),
 * or -1 on an error or after too many rounds.  *longest (unless NULL): the
 * most ids the client put in one IdList.
 */
static int
sync_seen(struct pair *p, size_t climit, size_t slimit, struct buf *have,
    struct buf *need, size_t *longest)
{
	struct neg c, s;
	struct buf cm = BUF_INIT, sm = BUF_INIT;
	int rounds = 0, done = 0, bad = 0;

	if (neg_init(&c, &p->c, climit) != 0 || neg_init(&s, &p->s, slimit) != 0)
		return -1;
	neg_initiate(&c, &cm);
	while (!done && !bad) {
		rounds++;
		if ((climit && cm.len > climit) || rounds > 100000) {
			bad = 1;
			break;
		}
		buf_reset(&sm);
		if (neg_server_step(&s, (const uint8_t *)cm.data, cm.len, &sm) != NULL ||
		    (slimit && sm.len > slimit)) {
			bad = 1;
			break;
		}
		buf_reset(&cm);
		if (neg_client_step(&c, (const uint8_t *)sm.data, sm.len, &cm, have, need,
		    &done) != NULL)
			bad = 1;
		if (longest && longest_idlist(&cm) > *longest)
			*longest = longest_idlist(&cm);
	}
	neg_free(&c);
	neg_free(&s);
	buf_free(&cm);
	buf_free(&sm);
	return bad ? -1 : rounds;
}

/*
 * check_sync_seen: the pair reconciles to exactly its differences; the
 * rounds; *longest as sync_seen's.
 */
static int
check_sync_seen(struct pair *p, size_t climit, size_t slimit, size_t *longest)
{
	struct buf have = BUF_INIT, need = BUF_INIT;
	int rounds = sync_seen(p, climit, slimit, &have, &need, longest);

	CHECK(rounds > 0);
	sort_ids(&have);
	sort_ids(&need);
	CHECK_EQ_INT(have.len / 32, p->only_c.len / 32);
	CHECK_EQ_INT(need.len / 32, p->only_s.len / 32);
	CHECK(have.len == p->only_c.len &&
	    (have.len == 0 || memcmp(have.data, p->only_c.data, have.len) == 0));
	CHECK(need.len == p->only_s.len &&
	    (need.len == 0 || memcmp(need.data, p->only_s.data, need.len) == 0));
	buf_free(&have);
	buf_free(&need);
	return rounds;
}

static int
check_sync(struct pair *p, size_t climit, size_t slimit)
{
	return check_sync_seen(p, climit, slimit, NULL);
}

static void
identical_sets_one_round(void)
{
	struct pair p;

	make_pair(&p, 5000, 0, 1);
	CHECK_EQ_INT(check_sync(&p, 0, 0), 1);
	free_pair(&p);
	make_pair(&p, 20, 0, 2);
	CHECK_EQ_INT(check_sync(&p, 0, 0), 1);
	free_pair(&p);
	/* Both empty: the first message is an empty IdList, the reply one too. */
	make_pair(&p, 0, 0, 3);
	CHECK_EQ_INT(check_sync(&p, 0, 0), 1);
	free_pair(&p);
}

static void
disjoint_sets(void)
{
	struct pair p;

	make_pair(&p, 3000, 100, 4);
	check_sync(&p, 0, 0);
	check_sync(&p, 4096, 4096);
	free_pair(&p);
}

static void
one_sided_sets(void)
{
	struct pair p;
	uint8_t id[32] = { 1 };

	/* The client has everything, the server nothing, and the other way. */
	make_pair(&p, 2000, 0, 5);
	neg_storage_free(&p.s);
	neg_storage_seal(&p.s);
	for (size_t i = 0; i < p.c.n; i++)
		buf_append(&p.only_c, p.c.items[i].id, 32);
	sort_ids(&p.only_c);
	check_sync(&p, 0, 0);
	check_sync(&p, 1024, 1024);
	free_pair(&p);
	make_pair(&p, 2000, 0, 6);
	neg_storage_free(&p.c);
	neg_storage_add(&p.c, 5, id);
	neg_storage_seal(&p.c);
	buf_append(&p.only_c, id, 32);
	for (size_t i = 0; i < p.s.n; i++)
		buf_append(&p.only_s, p.s.items[i].id, 32);
	sort_ids(&p.only_s);
	check_sync(&p, 0, 0);
	check_sync(&p, 1024, 4096);
	free_pair(&p);
}

static void
one_and_fifty_percent(void)
{
	struct pair p;

	make_pair(&p, 20000, 1, 7);
	check_sync(&p, 0, 0);
	check_sync(&p, NEG_FRAME_NOSTR, NEG_FRAME_NOSTR);
	free_pair(&p);
	make_pair(&p, 20000, 50, 8);
	check_sync(&p, 0, 0);
	check_sync(&p, NEG_FRAME_NOSTR, NEG_FRAME_NOSTR);
	free_pair(&p);
}

static void
hundred_thousand_items(void)
{
	struct pair p;

	make_pair(&p, 100000, 1, 9);
	check_sync(&p, 0, 0);
	check_sync(&p, NEG_FRAME_NOSTR, 0);
	free_pair(&p);
	make_pair(&p, 100000, 10, 10);
	check_sync(&p, 0, NEG_FRAME_NOSTR);
	free_pair(&p);
}

/*
 * A client half apart from the server sends its ids for ranges of more than
 * 31 items once its IdLists showed that most buckets differ, rather than
 * their fingerprints, and still finds exactly the differences; 1% apart, it
 * keeps to fingerprints above 31 items.
 */
static void
idlists_chosen_when_most_differ(void)
{
	struct pair p;
	size_t longest = 0;

	make_pair(&p, 100000, 50, 11);
	check_sync_seen(&p, NEG_FRAME_NOSTR, NEG_FRAME_NOSTR, &longest);
	CHECK(longest >= 2 * 16);
	CHECK(longest <= NEG_FRAME_NOSTR / (4 * NEG_ID_SIZE));
	longest = 0;
	check_sync_seen(&p, 4096, 4096, &longest);
	CHECK(longest >= 2 * 16);
	CHECK(longest <= 4096 / (4 * NEG_ID_SIZE));
	free_pair(&p);
	make_pair(&p, 100000, 1, 12);
	longest = 0;
	check_sync_seen(&p, NEG_FRAME_NOSTR, NEG_FRAME_NOSTR, &longest);
	CHECK(longest < 2 * 16);
	free_pair(&p);
}

/*
 * Limits on either side, many rounds.  A server's reply cut by its limit
 * makes it list again ranges the client had settled: the client still
 * reports each id once.
 */
static void
small_frame_limits(void)
{
	static const size_t lim[][2] = {
		{ 4096, 4096 }, { 1024, 1024 }, { 4096, 1024 }, { 1024, 4096 },
		{ 0, 1024 }, { 1024, 0 }, { NEG_FRAME_MIN, NEG_FRAME_MIN },
	};
	struct pair p;

	for (unsigned pct = 1; pct <= 50; pct *= 7) {
		make_pair(&p, 20000, pct, 11 + pct);
		for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++) {
			int rounds = check_sync(&p, lim[i][0], lim[i][1]);

			printf("# %u%% of 20000, limits %zu/%zu: %d rounds\n", pct,
			    lim[i][0], lim[i][1], rounds);
		}
		free_pair(&p);
	}
	/* A limit keeps many rounds going. */
	make_pair(&p, 100000, 2, 99);
	CHECK(check_sync(&p, 1024, 1024) > 50);
	free_pair(&p);
}

static void
frame_limit_too_small(void)
{
	struct neg_storage s;
	struct neg n;

	vec_storage(&s, 3, 0, 0);
	CHECK(neg_init(&n, &s, NEG_FRAME_MIN - 1) == -1);
	CHECK(neg_init(&n, &s, NEG_FRAME_MIN) == 0);
	neg_free(&n);
	neg_storage_free(&s);
	/* Unsealed storage is refused too. */
	neg_storage_init(&s);
	CHECK(neg_init(&n, &s, 0) == -1);
	CHECK(neg_storage_add(&s, UINT64_MAX, (const uint8_t *)"0123456789abcdef0123456789abcdef") == -1);
}

/* ---- hostile messages ---- */

static const char *
parse_hex(const char *hex)
{
	struct buf b = BUF_INIT;
	struct neg_msg m;
	const char *why;

	unhex(hex, &b);
	why = neg_parse((const uint8_t *)b.data, b.len, &m);
	buf_free(&b);
	return why ? why : "ok";
}

static void
malformed_messages(void)
{
	/* fp: 16 bytes; id: 32 bytes */
#define FP "00112233445566778899aabbccddeeff"
#define ID FP FP
	CHECK_EQ_STR(parse_hex(""), "empty message");
	CHECK_EQ_STR(parse_hex("61"), "ok");
	CHECK_EQ_STR(parse_hex("62"), neg_err_version);
	CHECK(parse_hex("60000000") == neg_err_version);
	CHECK_EQ_STR(parse_hex("00"), "not a negentropy message");
	CHECK_EQ_STR(parse_hex("7b"), "not a negentropy message");
	/* truncated, anywhere */
	CHECK_EQ_STR(parse_hex("6100"), "truncated varint");
	CHECK_EQ_STR(parse_hex("610000"), "truncated varint");
	CHECK_EQ_STR(parse_hex("61000001" "0011"), "truncated fingerprint");
	CHECK_EQ_STR(parse_hex("6100000201" "0011"), "IdList longer than the message");
	CHECK_EQ_STR(parse_hex("61000002"), "truncated varint");
	CHECK_EQ_STR(parse_hex("610002ab"), "truncated id prefix");
	CHECK_EQ_STR(parse_hex("6185"), "truncated varint");
	/* bad mode */
	CHECK_EQ_STR(parse_hex("61000003"), "unknown range mode");
	CHECK_EQ_STR(parse_hex("6100008100"), "unknown range mode");
	/* a prefix longer than 32 bytes */
	CHECK_EQ_STR(parse_hex("610021" ID "00" "00"), "id prefix longer than 32 bytes");
	CHECK_EQ_STR(parse_hex("610020" ID "00"), "ok");
	/* bounds going backwards: a smaller prefix at the same time, a finite time
	 * after infinity, a time overflowing into infinity */
	CHECK_EQ_STR(parse_hex("610501ff00" "0101aa00"), "bounds out of order");
	CHECK_EQ_STR(parse_hex("610501aa00" "0101ff00" "0101ff00"), "ok");
	CHECK_EQ_STR(parse_hex("61000000" "050000"), "finite bound after infinity");
	CHECK_EQ_STR(parse_hex("61000000" "000000"), "ok");
	/* the largest code is the largest finite time when it comes first... */
	CHECK_EQ_STR(parse_hex("6181ffffffffffffffff7f0000"), "ok");
	/* ...and reaches infinity after time 1 */
	CHECK_EQ_STR(parse_hex("61020000" "81ffffffffffffffff7f0000"),
	    "timestamp overflows to infinity");
	CHECK_EQ_STR(parse_hex("61020000" "81ffffffffffffffff7e0000"), "ok");
	/* an IdList claiming a huge count */
	CHECK_EQ_STR(parse_hex("6100000281ffffffffffffffff7f" ID), "IdList longer than the message");
	CHECK_EQ_STR(parse_hex("61000002ffffffff0f" ID), "IdList longer than the message");
	CHECK_EQ_STR(parse_hex("6100000202" ID), "IdList longer than the message");
	CHECK_EQ_STR(parse_hex("6100000201" ID), "ok");
	/* a varint too long */
	CHECK_EQ_STR(parse_hex("61ffffffffffffffffffff7f0000"), "varint overflows 64 bits");
#undef ID
#undef FP
}

/* Every cut of a real message is refused, but those at a range's end. */
static void
every_truncation(void)
{
	static const char *const msgs[] = { V_SERVER_REPLY, V_CLIENT_NEXT, V_INITIATE_SMALL };
	struct buf b = BUF_INIT;
	struct neg_msg m;

	for (size_t k = 0; k < 3; k++) {
		size_t whole, good = 0;

		unhex(msgs[k], &b);
		CHECK(neg_parse((const uint8_t *)b.data, b.len, &m) == NULL);
		whole = m.nranges;
		for (size_t len = 1; len <= b.len; len++)
			if (neg_parse((const uint8_t *)b.data, len, &m) == NULL)
				good++;
		CHECK_EQ_INT(good, whole + 1);
	}
	buf_free(&b);
}

static void
hostile_messages_leave_outputs_alone(void)
{
	struct neg_storage s;
	struct neg c, srv;
	struct buf in = BUF_INIT, out = BUF_INIT, have = BUF_INIT, need = BUF_INIT;
	int done = 5;

	vec_storage(&s, 100, 0, 0);
	neg_init(&c, &s, 0);
	neg_init(&srv, &s, 0);
	neg_initiate(&c, &out);
	buf_reset(&out);
	buf_puts(&out, "x");
	unhex("6100000203", &in);
	CHECK(neg_client_step(&c, (const uint8_t *)in.data, in.len, &out, &have, &need,
	    &done) != NULL);
	CHECK(neg_server_step(&srv, (const uint8_t *)in.data, in.len, &out) != NULL);
	CHECK(out.len == 1 && have.len == 0 && need.len == 0 && done == 0);
	/* Roles are kept apart. */
	CHECK(neg_server_step(&c, (const uint8_t *)"a", 1, &out) != NULL);
	CHECK(neg_client_step(&srv, (const uint8_t *)"a", 1, &out, &have, &need, &done) != NULL);
	/* A server asked in protocol version 2 answers with its own version. */
	unhex("62000000", &in);
	buf_reset(&out);
	CHECK(neg_server_step(&srv, (const uint8_t *)in.data, in.len, &out) == NULL);
	CHECK_EQ_STR(tohex(&out, 0), "61");
	/* The client is refused it. */
	CHECK(neg_client_step(&c, (const uint8_t *)in.data, in.len, &out, &have, &need,
	    &done) == neg_err_version);
	/* An IdList repeating one id reports it once. */
	{
		struct neg_storage e;
		struct neg ce;
		uint8_t id[32] = { 7 };

		neg_storage_init(&e);
		neg_storage_seal(&e);
		neg_init(&ce, &e, 0);
		neg_initiate(&ce, &out);
		buf_reset(&in);
		buf_putc(&in, 0x61);
		buf_append(&in, "\x00\x00\x02\x03", 4);
		buf_append(&in, id, 32);
		buf_append(&in, id, 32);
		buf_append(&in, id, 32);
		buf_reset(&out);
		CHECK(neg_client_step(&ce, (const uint8_t *)in.data, in.len, &out, &have,
		    &need, &done) == NULL);
		CHECK(done && out.len == 0 && need.len == 32 && have.len == 0);
		neg_free(&ce);
		neg_storage_free(&e);
	}
	neg_free(&c);
	neg_free(&srv);
	neg_storage_free(&s);
	buf_free(&in);
	buf_free(&out);
	buf_free(&have);
	buf_free(&need);
}

static void
duplicates_dropped_on_seal(void)
{
	struct neg_storage s;
	uint8_t id[32] = { 9 };

	neg_storage_init(&s);
	neg_storage_add(&s, 10, id);
	neg_storage_add(&s, 10, id);
	neg_storage_add(&s, 11, id);
	neg_storage_seal(&s);
	CHECK_EQ_INT(s.n, 2);
	CHECK(neg_storage_add(&s, 12, id) == -1);
	neg_storage_free(&s);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct neg_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return memcmp(x->id, y->id, 32);
}

/* Large sets take the radix path: the order must be the protocol's anyway. */
static void
seal_sorts_large_sets(void)
{
	static const uint64_t spans[] = { 1, 7, 5000, 1ULL << 40, UINT64_MAX - 1 };
	struct neg_storage s;
	struct neg_item *copy = malloc(6000 * sizeof *copy);
	size_t n, kept;

	for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++) {
		rng_state = 1234 + k;
		neg_storage_init(&s);
		for (n = 0; n < 6000; n++) {
			uint64_t r = rng();

			copy[n].ts = (n % 3 == 0 ? 3 : 0) + rng() % spans[k];
			memset(copy[n].id, 0, 32);
			memcpy(copy[n].id + (r & 7), &r, 8);   /* ids sharing prefixes */
			if (n % 100 == 99)
				copy[n] = copy[n - 50];         /* exact duplicates */
			neg_storage_add(&s, copy[n].ts, copy[n].id);
		}
		neg_storage_seal(&s);
		qsort(copy, n, sizeof *copy, item_cmp);
		for (size_t i = kept = 0; i < n; i++)
			if (kept == 0 || item_cmp(&copy[kept - 1], &copy[i]) != 0)
				copy[kept++] = copy[i];
		CHECK_EQ_INT(s.n, kept);
		CHECK(memcmp(s.items, copy, kept * sizeof *copy) == 0);
		neg_storage_free(&s);
	}
	free(copy);
}

int
main(void)
{
	TEST(varints_as_nostr_tools);
	TEST(varints_malformed);
	TEST(bounds_as_nostr_tools);
	TEST(fingerprints_as_nostr_tools);
	TEST(initial_message_small_set);
	TEST(idlist_as_fingerprint);
	TEST(messages_as_nostr_tools);
	TEST(identical_sets_one_round);
	TEST(disjoint_sets);
	TEST(one_sided_sets);
	TEST(one_and_fifty_percent);
	TEST(hundred_thousand_items);
	TEST(idlists_chosen_when_most_differ);
	TEST(small_frame_limits);
	TEST(frame_limit_too_small);
	TEST(malformed_messages);
	TEST(every_truncation);
	TEST(hostile_messages_leave_outputs_alone);
	TEST(duplicates_dropped_on_seal);
	TEST(seal_sorts_large_sets);
	return tap_done();
}
