/* Models a firmware-table collector that uses openat(AT_FDCWD, ...) and a single pread of the
 * 128 KiB window below 1 MiB. Checks: DM001 at openat, DM003 at pread (acpi-rsdp-window). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WINDOW_BASE 0xE0000
#define WINDOW_LEN 0x20000

int main(void)
{
	unsigned char *win = malloc(WINDOW_LEN);
	int fd;
	size_t off;

	if (win == NULL)
		return 1;
	fd = openat(AT_FDCWD, "/dev/mem", O_RDONLY | O_CLOEXEC); // CHECK: DM001
	if (fd < 0) {
		perror("openat");
		free(win);
		return 1;
	}
	if (pread(fd, win, WINDOW_LEN, WINDOW_BASE) != WINDOW_LEN) { // CHECK: DM003 range=0xe0000-0xfffff class=acpi-rsdp-window servable=served category=physical-read
		close(fd);
		free(win);
		return 1;
	}
	close(fd);
	for (off = 0; off < WINDOW_LEN; off += 16)
		if (memcmp(win + off, "RSD PTR ", 8) == 0) // CHECK: DM005
			printf("RSDP candidate at 0x%zx\n", WINDOW_BASE + off);
	free(win);
	return 0;
}
