/*
 * servers/vfs/random.c — /dev/random and /dev/urandom: a ChaCha20 keystream
 * generator keyed from the kernel's entropy (exo_kinfo_t.entropy).
 *
 * The key is taken fresh from the kernel at the first read and after every
 * 1 MiB of output, and after each request the generator overwrites its own
 * key with keystream (fast key erasure), so output already given cannot be
 * recomputed from the state. Both devices are the same generator and never
 * block, as on Linux since 5.6.
 */
#include <string.h>

#include "vfs.h"

#define ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define QR(a, b, c, d)                                       \
	do {                                                 \
		a += b; d ^= a; d = ROTL(d, 16);             \
		c += d; b ^= c; b = ROTL(b, 12);             \
		a += b; d ^= a; d = ROTL(d, 8);              \
		c += d; b ^= c; b = ROTL(b, 7);              \
	} while (0)

static uint32_t key[8];
static uint64_t counter, since_rekey;
static bool keyed;

/* One 64-byte ChaCha20 block of the keystream (RFC 8439 layout, nonce 0). */
static void block(uint8_t out[64])
{
	static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t in[16], x[16];

	memcpy(in, sigma, sizeof(sigma));
	memcpy(in + 4, key, sizeof(key));
	in[12] = (uint32_t)counter;
	in[13] = (uint32_t)(counter >> 32);
	in[14] = in[15] = 0;
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	counter++;
}

static void rekey(void)
{
	exo_kinfo_t ki;

	if (exo_kernel_info(&ki) != EXO_OK)
		return; /* keep the current key: the stream still never repeats */
	for (int i = 0; i < 4; i++) {
		key[2 * i] ^= (uint32_t)ki.entropy[i];
		key[2 * i + 1] ^= (uint32_t)(ki.entropy[i] >> 32);
	}
	key[0] ^= (uint32_t)ki.clock_ns;
	since_rekey = 0;
	keyed = true;
}

void random_fill(uint8_t *buf, size_t len)
{
	uint8_t b[64];

	if (!keyed || since_rekey >= (1u << 20))
		rekey();
	while (len > 0) {
		size_t n = len < sizeof(b) ? len : sizeof(b);

		block(b);
		memcpy(buf, b, n);
		buf += n;
		len -= n;
		since_rekey += n;
	}
	/* Fast key erasure: the next key is keystream nobody has seen. */
	block(b);
	memcpy(key, b, sizeof(key));
	memset(b, 0, sizeof(b));
}
