/* Models a 32-bit-clean APIC/TPM register dumper built with _LARGEFILE64_SOURCE: open64,
 * mmap64 of the local APIC page and pread64 of the TPM locality 0 header.
 * Checks: DM001 at open64, DM002 at mmap64 and DM003 at pread64, both above-1mib. */
#define _LARGEFILE64_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#define DEVMEM "/dev/mem"
#define LAPIC_BASE 0xFEE00000ULL
#define TPM_BASE 0xFED40000ULL

int main(void)
{
	int fd;
	volatile uint32_t *apic;
	unsigned char tpm[0x100];

	fd = open64(DEVMEM, O_RDONLY | O_SYNC); // CHECK: DM001
	if (fd < 0) {
		perror(DEVMEM);
		return 1;
	}
	apic = mmap64(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, (off64_t)LAPIC_BASE); // CHECK: DM002 range=0xfee00000-0xfee00fff class=above-1mib
	if (apic != MAP_FAILED) {
		printf("APIC ID %08x version %08x\n", apic[0x20 / 4], apic[0x30 / 4]);
		munmap((void *)apic, 0x1000);
	}
	if (pread64(fd, tpm, sizeof(tpm), (off64_t)TPM_BASE) == (ssize_t)sizeof(tpm)) // CHECK: DM003 range=0xfed40000-0xfed400ff class=above-1mib
		printf("TPM access register %02x\n", tpm[0]);
	close(fd);
	return 0;
}
