/* Models a flash tool's chipset probing, whose map calls never name the memory device: through
 * hw_map()/hw_map_ro() (hwmap.c) it is mapped at a constant MMIO window above 1 MiB, at the
 * constant BIOS area, and at a base read from the chipset at run time. The two constant calls
 * are call-site DM002s with the caller's range at low confidence (the helper may widen it to
 * whole pages); the run-time base has no range to report, so no call-site finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hwmap.h"

#define HPET_BASE 0xFED00000u
#define HPET_SIZE 0x400u

uintptr_t chipset_mmio_base(void)
{
	const char *env = getenv("CHIPSET_MMIO_BASE");

	return env != NULL ? (uintptr_t)strtoull(env, NULL, 0) : 0;
}

int main(void)
{
	volatile uint32_t *hpet = hw_map("HPET", HPET_BASE, HPET_SIZE); // CHECK: DM002 range=0xfed00000-0xfed003ff class=above-1mib confidence=low
	const unsigned char *bios = hw_map_ro("BIOS", 0xF0000, 0x10000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area confidence=low
	uintptr_t base = chipset_mmio_base();
	volatile uint32_t *spi = base != 0 ? hw_map("SPI BAR", base, 0x1000) : NULL;

	if (hpet != NULL)
		printf("HPET capabilities: %08x\n", (unsigned)hpet[0]);
	if (bios != NULL)
		printf("reset vector byte: %02x\n", bios[0xFFF0]);
	if (spi != NULL)
		printf("SPI status: %08x\n", (unsigned)spi[1]);
	return 0;
}
