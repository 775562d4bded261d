/* Trap: a mem_chunk-like wrapper (open + mmap + lseek/read at caller-chosen offsets) that is
 * only ever called with a sysfs table and a user-supplied dump file name, never with a memory
 * device, even with a physical-looking offset. Expected findings: none. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *file_chunk(off_t base, size_t len, const char *path)
{
	void *map, *copy;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, base);
	copy = malloc(len);
	if (copy != NULL) {
		if (map != MAP_FAILED)
			memcpy(copy, map, len);
		else if (lseek(fd, base, SEEK_SET) != base || read(fd, copy, len) != (ssize_t)len) {
			free(copy);
			copy = NULL;
		}
	}
	if (map != MAP_FAILED)
		munmap(map, len);
	close(fd);
	return copy;
}

int main(int argc, char **argv)
{
	unsigned char *ep = file_chunk(0, 0x18, "/sys/firmware/dmi/tables/smbios_entry_point");
	unsigned char *img;

	if (ep != NULL) {
		printf("entry point length %u\n", ep[6]);
		free(ep);
	}
	if (argc > 1) {
		/* A full 1 MiB BIOS dump: the F-segment lives at the same offset as in memory. */
		img = file_chunk(0xF0000, 0x10000, argv[1]);
		if (img != NULL) {
			printf("dump reset vector byte %02x\n", img[0xFFF0]);
			free(img);
		}
	}
	return 0;
}
