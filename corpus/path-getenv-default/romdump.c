/* Models a ROM dumper whose device path comes from an environment variable with a built-in
 * "/dev/mem" default. Checks: DM001 (the default reaches the open) and an option-rom map. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	const char *dev = getenv("ROMDUMP_MEMDEV");
	const unsigned char *rom;
	int fd;

	if (dev == NULL || *dev == '\0')
		dev = "/dev/mem";
	fd = open(dev, O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	rom = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fd, 0xC0000); // CHECK: DM002 range=0xc0000-0xcffff class=option-rom
	close(fd);
	if (rom == MAP_FAILED)
		return 1;
	if (rom[0] == 0x55 && rom[1] == 0xAA)
		fwrite(rom, 1, (size_t)rom[2] * 512, stdout);
	munmap((void *)rom, 0x10000);
	return 0;
}
