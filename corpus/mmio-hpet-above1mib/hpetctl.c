/* Models a timer diagnostics tool that reads the HPET registers straight from MMIO.
 * Checks: DM001 with O_SYNC, and a map at 0xFED00000 classified above-1mib (not servable). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define HPET_BASE 0xFED00000UL
#define HPET_LEN 0x400
#define HPET_CAP 0x000
#define HPET_COUNTER 0x0F0

int main(void)
{
	int fd = open("/dev/mem", O_RDONLY | O_SYNC); // CHECK: DM001
	volatile uint64_t *regs;

	if (fd < 0) {
		perror("hpetctl: /dev/mem");
		return 1;
	}
	regs = mmap(NULL, HPET_LEN, PROT_READ, MAP_SHARED, fd, HPET_BASE); // CHECK: DM002 range=0xfed00000-0xfed003ff class=above-1mib servable=not-servable
	if (regs == MAP_FAILED) {
		close(fd);
		return 1;
	}
	printf("capabilities %016" PRIx64 "\n", regs[HPET_CAP / 8]);
	printf("counter      %016" PRIx64 "\n", regs[HPET_COUNTER / 8]);
	munmap((void *)regs, HPET_LEN);
	close(fd);
	return 0;
}
