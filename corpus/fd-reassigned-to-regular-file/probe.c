/* Models a probe that reads the video BIOS through /dev/mem, closes it, and reuses the same
 * descriptor variable for a regular file: the later reads are of that file, not of physical
 * memory, because the assignment right above them is the one that reaches them.
 * Checks: DM001 and DM003 for the /dev/mem open and read only; nothing for the file's reads. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	unsigned char rom[3];
	char name[64];
	ssize_t n;
	int fd = open("/dev/mem", O_RDONLY); // CHECK: DM001

	if (fd < 0)
		return 1;
	if (pread(fd, rom, sizeof(rom), 0xC0000) == (ssize_t)sizeof(rom)) // CHECK: DM003 range=0xc0000-0xc0002 class=option-rom
		printf("option ROM: %u bytes\n", rom[2] * 512u);
	close(fd);
	fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0)
		return 1;
	n = read(fd, name, sizeof(name) - 1);
	if (n > 0 && pread(fd, name, 4, 0xF0000) >= 0) {
		name[n] = '\0';
		printf("host: %s\n", name);
	}
	close(fd);
	return 0;
}
