/* Models a portable video-BIOS dumper with a per-OS device macro
 * (#ifdef __linux__ "/dev/mem" #else "/dev/xsvc"): only the active definition matters, and the
 * #else is a #define, not an open, so there is no DM007. Checks: DM001 through MEM_DEV and a
 * 128 KiB read of 0xC0000-0xDFFFF (option-rom). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef __linux__
#define MEM_DEV "/dev/mem"
#else
#define MEM_DEV "/dev/xsvc"
#endif

#define VBIOS_BASE 0xC0000
#define VBIOS_MAX 0x20000

int main(int argc, char **argv)
{
	unsigned char *rom = malloc(VBIOS_MAX);
	FILE *out;
	int fd;

	if (rom == NULL || argc != 2) {
		fprintf(stderr, "usage: %s OUTFILE\n", argv[0]);
		return 2;
	}
	fd = open(MEM_DEV, O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror(MEM_DEV);
		return 1;
	}
	if (lseek(fd, VBIOS_BASE, SEEK_SET) != VBIOS_BASE)
		return 1;
	if (read(fd, rom, VBIOS_MAX) != VBIOS_MAX) // CHECK: DM003 range=0xc0000-0xdffff class=option-rom servable=zeros-only
		return 1;
	close(fd);
	out = fopen(argv[1], "wb");
	if (out == NULL)
		return 1;
	fwrite(rom, 1, (size_t)rom[2] * 512, out);
	fclose(out);
	free(rom);
	return 0;
}
