/* The SHA test data that the host's test_sha and the arm64 test_sha_armv8 (run by
 * qemu-aarch64) share: FIPS 180-4's example messages, a pattern at every length
 * around the block and padding boundaries, one million 'a'; the digests as any
 * SHA implementation gives them. */
#ifndef LEAPBOOT_TEST_SHA_VECTORS_H
#define LEAPBOOT_TEST_SHA_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha.h"

static void hex(const uint8_t *d, uint32_t n, char *out)
{
	for (uint32_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static const struct {
	uint16_t alg;
	const char *msg;
	size_t len;
	const char *want, *name;
} vectors[] = {
    {TPM_ALG_SHA1, "", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "empty"},
    {TPM_ALG_SHA256, "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "empty"},
    {TPM_ALG_SHA384, "", 0,
     "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b"
     "95b",
     "empty"},
    {TPM_ALG_SHA512, "", 0,
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877ee"
     "c2f63b931bd47417a81a538327af927da3e",
     "empty"},
    {TPM_ALG_SHA1, "abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d", "abc"},
    {TPM_ALG_SHA256, "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "abc"},
    {TPM_ALG_SHA384, "abc", 3,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c82"
     "5a7",
     "abc"},
    {TPM_ALG_SHA512, "abc", 3,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fee"
     "bbd454d4423643ce80e2a9ac94fa54ca49f",
     "abc"},
    {TPM_ALG_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
     "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "448 bits"},
    {TPM_ALG_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits"},
    {TPM_ALG_SHA384, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
     "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c84"
     "52b",
     "448 bits"},
    {TPM_ALG_SHA512, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
     "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789"
     "ca031ad85c7a71dd70354ec631238ca3445",
     "448 bits"},
    {TPM_ALG_SHA1,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     112, "a49b2446a02c645bf419f995b67091253a04a259", "896 bits"},
    {TPM_ALG_SHA256,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1", "896 bits"},
    {TPM_ALG_SHA384,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     112,
     "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746"
     "039",
     "896 bits"},
    {TPM_ALG_SHA512,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
     "qrsmnopqrstnopqrstu",
     112,
     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b54"
     "33ac7d329eeb6dd26545e96e55b874be909",
     "896 bits"},
};

/* Byte i of the pattern messages. */
static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static const struct {
	uint16_t alg;
	size_t len;
	const char *want;
} patterns[] = {
    {TPM_ALG_SHA1, 1, "9842926af7ca0a8cca12604f945414f07b01e13d"},
    {TPM_ALG_SHA256, 1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5"},
    {TPM_ALG_SHA384, 1,
     "8a6c69af6fb6247635f837958446fb8f10e39bd5fbc244f7e635176339a3be614f6394247f01dbe1126c178c7bd48"
     "cb5"},
    {TPM_ALG_SHA512, 1,
     "e45bf5817ddf94aa2f7a407071f0eedc6beb98f768b4cd33d1176d44d1563a45a5d7212290eb7670c6786b13591ae"
     "dac86478993895e8b24e612014abaa6ba04"},
    {TPM_ALG_SHA1, 55, "ddf57317ef34bfee3b6df83d359098930eb278bc"},
    {TPM_ALG_SHA256, 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
    {TPM_ALG_SHA384, 55,
     "fc2728f452750d08b5dbad1aea53202e7fc19c06894d13e36c433b0444a899277c49f16e0577c03db0f0605578836"
     "ef6"},
    {TPM_ALG_SHA512, 55,
     "14fd424b1fcadee624da946ab03f7e1def7c0d6e00f689594319881a26ff30b875ba4c622ac13100c8cc784c9c2eb"
     "23159aecbb4a02e3999062f551193e2b256"},
    {TPM_ALG_SHA1, 56, "a0d492bb0fc889d0eca3bc137066ab6f4f74f369"},
    {TPM_ALG_SHA256, 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
    {TPM_ALG_SHA384, 56,
     "6c969a865f38d2eaac60b7963a84c97ba27bcb76e589cbe1e2e89ead6aee4ad0337a4268f054be49c604ddd996920"
     "36d"},
    {TPM_ALG_SHA512, 56,
     "480fa85be41ef55a41208ca28ffc8743c91cf7d24758defe6f95bfb16de614fc86b701034896b047dd571de431885"
     "3d80e0809df162f1752cb26da6ddb94a0dd"},
    {TPM_ALG_SHA1, 57, "11a02dcf95859677a62e75024067c22b165d890f"},
    {TPM_ALG_SHA256, 57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
    {TPM_ALG_SHA384, 57,
     "a6c1a73ce16f33c777d99dd4a66304bc5de531caab5aa4f80b46eaf18b08b45875aa2b385bc511d5a5f1985cad2e5"
     "dee"},
    {TPM_ALG_SHA512, 57,
     "0582c85feba6881e7c3c371a82a645547a1a9bdb3fd0709d6a42e271697333b23d1692ff0076071fef520f46d04ca"
     "74c2b088b58a60ade3ba0c18380d230789c"},
    {TPM_ALG_SHA1, 63, "c55856749bef509bdfe6bfebfc7bf4e793e82132"},
    {TPM_ALG_SHA256, 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
    {TPM_ALG_SHA384, 63,
     "be67a9a1162c1d97f183980dc811f4f4f835b8b850eb32ecbf87397b26369bc6646a8f2234940dcff142b627c8e21"
     "ebb"},
    {TPM_ALG_SHA512, 63,
     "ecd42a703a4e93e163d60d55e3785b1a763838b0351bc2e6f7c94b4bfb24f9aa15da5d744ebcebe11f0fc4315d45b"
     "a3a047b6e60e07448357f2795bf34b73502"},
    {TPM_ALG_SHA1, 64, "bede92be29c3874e1b54ddc77988d606fc857a8e"},
    {TPM_ALG_SHA256, 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
    {TPM_ALG_SHA384, 64,
     "99d26430f561864c2f7d90b68650b960c86c85d6bf7f54ceeee404bdd59663a7f05588b5c750b862a2a24f6a9ad4c"
     "050"},
    {TPM_ALG_SHA512, 64,
     "8f3cc30b3fb5bf963688a46488249248ac2c67f0f85a145233c6c1e3c16dcd1df634c07d1d31da02576f65b9cf64e"
     "1c3fdb318b689b8a14e2e9552bcf30fb133"},
    {TPM_ALG_SHA1, 65, "b05a80522b053d6dc7e0a517d0e70212c7dad11f"},
    {TPM_ALG_SHA256, 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
    {TPM_ALG_SHA384, 65,
     "cada16d798ec25243470f7827eb89a2402d52680b092dffc0f59f5a919e5058aebf7ad79dba85c61b179d23534d7c"
     "855"},
    {TPM_ALG_SHA512, 65,
     "22050d1b2c5bd016c4b04c3e84f513ffbbbc057f83dc9ab196fee6684e5ee19d98b84c6538b3c5e1fc67dbc484e9d"
     "0a198254e41d0fa0cf5106991e106632419"},
    {TPM_ALG_SHA1, 111, "4a01b1272627e5be00f57bc3c3029c23a452e629"},
    {TPM_ALG_SHA256, 111, "67d9492e628fd376e0b2efec8ca2b99b123e202cf620deb270728df979b2f73e"},
    {TPM_ALG_SHA384, 111,
     "341388a9dc2275074e90cf394323761919761c805fd9e370977c9966a0e8c81a52135f02577670b0071638a4a26db"
     "c31"},
    {TPM_ALG_SHA512, 111,
     "68cffa6d0d76f309c9ce0d35280939f8e25990c43b7b086ccdf709be35b07d4ddba599541ff2b1c19d34ea49aeafb"
     "9659adb7ac3c0b078bb30a22d57fc6687ef"},
    {TPM_ALG_SHA1, 112, "54c08c2a0ed21de25e3d8606c3929454eb1d3f8b"},
    {TPM_ALG_SHA256, 112, "96b928cff8528dbb99602c709a65b846cb6467acb8b722f0d758e4dc27bfc508"},
    {TPM_ALG_SHA384, 112,
     "619cc5d06138526d70659eccf602d197e63e1050e22039a7feb40a30a5b2b08fb03729e291df12f8c576e6f1cd8af"
     "22a"},
    {TPM_ALG_SHA512, 112,
     "d0865c524d1dddf7c23b799c413f5adcd7caefd3f66a9b49750ec81066012c25a8bcf94ddea6dc525691673097ca4"
     "0e0101e897fc97218cfdb0704084e2bef4b"},
    {TPM_ALG_SHA1, 113, "9f359093c0426170a6d53fdfb89679b592d8ebac"},
    {TPM_ALG_SHA256, 113, "cded73eed7df41eecd1ead825a38ca8763a9e910d5181c8ad8f201cc8ff2cbe4"},
    {TPM_ALG_SHA384, 113,
     "484a92d02b61b620ccae687fce4cd073eb995294a777d5deb5356bc8c1e2ce984f63f16420058ac5da666fda410a4"
     "feb"},
    {TPM_ALG_SHA512, 113,
     "606314353bd419f9f7720e8297f2af8a9ed5f0bb0bed29b716bf18e34577623ae7effa46f496bd4282134e7e89528"
     "4a4760a910d2ad8ec11e9dd75863058cd9c"},
    {TPM_ALG_SHA1, 127, "34d5e582029e9b9b85b2febe31da3db7cdabaaea"},
    {TPM_ALG_SHA256, 127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"},
    {TPM_ALG_SHA384, 127,
     "f8234ab81f5f9641c656680825a9bbb3c2616bcc80b65d5e479a4d96742e1b8742330c9e8256ef5f03caa93248704"
     "4ca"},
    {TPM_ALG_SHA512, 127,
     "e0b6a20f1c0c88970a9340152cd5a1c1ecf3d3b8de55102741879438079473540133b812706e5dbec322c8c9523b6"
     "fc8c6d16ee626e87ad5fe3d2916afedc369"},
    {TPM_ALG_SHA1, 128, "a09133e6730ffe899efb70204cb5646cd5dc24ee"},
    {TPM_ALG_SHA256, 128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
    {TPM_ALG_SHA384, 128,
     "e8480e9c4dd90f88104a79cbaccec48edbd798a142b4f241d726dc252f1502350e824c7d18dadd59d7d716919fb8f"
     "9bf"},
    {TPM_ALG_SHA512, 128,
     "99b16f17aa0b969a5b8f08f367719d516e330ccd2660b6f0688ec031dbc783de50a1cd185a2568dba75070a2403d1"
     "7d4741d163578515dfd2ff756ddfe4d47b1"},
    {TPM_ALG_SHA1, 129, "808aea332ce367541d37adae7f94e59c5c1a934e"},
    {TPM_ALG_SHA256, 129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"},
    {TPM_ALG_SHA384, 129,
     "430173387764874661acba1e914e50f6d0fbac534809e859b1da4396fad3d5f24c25c6a2d02486d8fbda3994713d9"
     "81a"},
    {TPM_ALG_SHA512, 129,
     "a1556e29185778aa5991e34b8884c840d589f0fbb4b8ed590e51e9ac4eb03a008125000db2671f8fe7f485b59a77b"
     "518670078ecb41a54b4cd02a7f1d2ca4c6d"},
    {TPM_ALG_SHA1, 1000, "4231a8a50a10fa9758db8ec71fdef855b751048a"},
    {TPM_ALG_SHA256, 1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
    {TPM_ALG_SHA384, 1000,
     "94c38db521ca733b8904c2d14b6e82d33dcfcc26e1318c579dbee1fc2f472019034e792263b9d46e90e700de2f6e7"
     "e91"},
    {TPM_ALG_SHA512, 1000,
     "00e36fccf193e59697a92b5ab24666ce6326d7fa16bf10832d0991ddc591112e9dfa6a636950ed9c4d67344a76065"
     "4c2ff7785e1d60094d651038735b5dccabd"},
    {TPM_ALG_SHA1, 4099, "b4fe6438a19a4415ca54768cd2c42ffe1df9f7fa"},
    {TPM_ALG_SHA256, 4099, "68950b5dc8001f651c3884f0201a276dd63eb870c6f2d153ed52719ddbce3101"},
    {TPM_ALG_SHA384, 4099,
     "31f14eb35d5cc1a06522325f6f12b116dac38a24a95ca1c8fc2c44e2797b7a40187009219be34bf5759c9ac717dc0"
     "1ce"},
    {TPM_ALG_SHA512, 4099,
     "3960c9f9dfea72d260b70f01c4f5dbd566e3d86ff390665776fa86d9df218fbbd8033f97b4ccb14bec069dbf7db9e"
     "5985e828535d348e9b41c008762e939824e"},
};

static const struct {
	uint16_t alg;
	const char *want;
} million_a[] = {
    {TPM_ALG_SHA1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
    {TPM_ALG_SHA256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {TPM_ALG_SHA384, "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc"
		     "4ebae97ddd87f3d8985"},
    {TPM_ALG_SHA512, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea"
		     "60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
};

static const char *name(uint16_t alg)
{
	return alg == TPM_ALG_SHA1     ? "SHA-1"
	       : alg == TPM_ALG_SHA256 ? "SHA-256"
	       : alg == TPM_ALG_SHA384 ? "SHA-384"
				       : "SHA-512";
}

#endif
