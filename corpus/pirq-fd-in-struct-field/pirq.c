/* Models a PCI IRQ routing dumper ($PIR table) that keeps the /dev/mem descriptor and the
 * mapping in a context struct passed around by pointer.
 * Checks: DM001 into a struct field, DM002 through that field, DM005 via strncmp. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct pirq_ctx {
	int memfd;
	const unsigned char *bios;
	size_t bios_len;
};

static int ctx_open(struct pirq_ctx *ctx)
{
	ctx->memfd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	return ctx->memfd < 0 ? -1 : 0;
}

static int ctx_map(struct pirq_ctx *ctx)
{
	void *p = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, ctx->memfd, 0xF0000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	if (p == MAP_FAILED)
		return -1;
	ctx->bios = p;
	ctx->bios_len = 0x10000;
	return 0;
}

static void dump_pirq(const struct pirq_ctx *ctx)
{
	size_t off;
	for (off = 0; off + 32 <= ctx->bios_len; off += 16) {
		const unsigned char *p = ctx->bios + off;
		if (strncmp((const char *)p, "$PIR", 4) == 0) { // CHECK: DM005
			printf("$PIR at 0x%05zx, version %u.%u, size %u\n", 0xF0000 + off, p[5], p[4],
			       p[6] | (p[7] << 8));
			return;
		}
	}
	puts("no $PIR table");
}

int main(void)
{
	struct pirq_ctx ctx = { -1, NULL, 0 };

	if (ctx_open(&ctx) < 0 || ctx_map(&ctx) < 0) {
		perror("pirq");
		return 1;
	}
	dump_pirq(&ctx);
	munmap((void *)ctx.bios, ctx.bios_len);
	close(ctx.memfd);
	return 0;
}
