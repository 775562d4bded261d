/* Models an lspci-like fallback that reads PCI config space through configuration mechanism #1
 * (ports 0xCF8/0xCFC) with 32-bit and 16-bit port accessors.
 * Checks: DM004 at ioperm, outl, inl, inw and outw. */
#include <stdint.h>
#include <stdio.h>
#include <sys/io.h>

#define CONF_ADDR 0xCF8
#define CONF_DATA 0xCFC

static uint32_t conf1_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	outl(0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xFC), CONF_ADDR); // CHECK: DM004
	return inl(CONF_DATA); // CHECK: DM004
}

static uint16_t conf1_read16(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	outl(0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xFC), CONF_ADDR); // CHECK: DM004
	return inw(CONF_DATA + (reg & 2)); // CHECK: DM004
}

static void conf1_write16(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint16_t v)
{
	outl(0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xFC), CONF_ADDR); // CHECK: DM004
	outw(v, CONF_DATA + (reg & 2)); // CHECK: DM004
}

int main(int argc, char **argv)
{
	unsigned dev;

	if (ioperm(CONF_ADDR, 8, 1) != 0) { // CHECK: DM004
		perror("ioperm");
		return 1;
	}
	for (dev = 0; dev < 32; dev++) {
		uint32_t id = conf1_read32(0, dev, 0, 0);
		if ((id & 0xFFFF) == 0xFFFF)
			continue;
		printf("00:%02x.0 %04x:%04x cmd=%04x\n", dev, id & 0xFFFF, id >> 16,
		       conf1_read16(0, dev, 0, 4));
	}
	/* --enable-mem: set the memory-decode bit of the host bridge. */
	if (argc > 1 && argv[1][0] == '-')
		conf1_write16(0, 0, 0, 4, (uint16_t)(conf1_read16(0, 0, 0, 4) | 2));
	return 0;
}
