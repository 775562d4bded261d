/* Models an ACPI RSDP finder (acpidump-like legacy path): reads the EBDA pointer from the BDA,
 * scans the first KiB of the EBDA (address not constant), then maps 0xE0000-0xFFFFF.
 * Checks: real-mode-low read, unknown read, acpi-rsdp-window map, one DM005 on a char array. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RSDP_WINDOW_BASE 0xE0000
#define RSDP_WINDOW_SIZE 0x20000

static const char rsdp_sig[] = "RSD PTR ";

static long scan_rsdp(const unsigned char *p, size_t len, long phys)
{
	size_t off;
	for (off = 0; off + 20 <= len; off += 16) {
		if (memcmp(p + off, rsdp_sig, 8) == 0) // CHECK: DM005
			return phys + (long)off;
	}
	return -1;
}

int main(void)
{
	unsigned char ebda[1024];
	uint16_t seg = 0;
	long found = -1;
	unsigned char *win;
	int fd;

	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("open");
		return 1;
	}
	if (lseek(fd, 0x40E, SEEK_SET) == 0x40E && read(fd, &seg, 2) == 2 && seg != 0) { // CHECK: DM003 range=0x40e-0x40f class=real-mode-low
		long ebda_phys = (long)seg << 4;
		if (lseek(fd, ebda_phys, SEEK_SET) == ebda_phys &&
		    read(fd, ebda, sizeof(ebda)) == (ssize_t)sizeof(ebda)) // CHECK: DM003 class=unknown
			found = scan_rsdp(ebda, sizeof(ebda), ebda_phys);
	}
	if (found < 0) {
		win = mmap(NULL, RSDP_WINDOW_SIZE, PROT_READ, MAP_PRIVATE, fd, RSDP_WINDOW_BASE); // CHECK: DM002 range=0xe0000-0xfffff class=acpi-rsdp-window
		if (win != MAP_FAILED) {
			found = scan_rsdp(win, RSDP_WINDOW_SIZE, RSDP_WINDOW_BASE);
			munmap(win, RSDP_WINDOW_SIZE);
		}
	}
	close(fd);
	if (found < 0) {
		fprintf(stderr, "RSDP not found\n");
		return 1;
	}
	printf("RSDP at 0x%lx\n", found);
	return 0;
}
