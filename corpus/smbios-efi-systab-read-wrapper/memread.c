/* mem_read(): lseek+read of a caller-chosen range from a caller-named device.
 * efi_table_address(): finds a firmware table address in the EFI system table. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memread.h"

int mem_read(const char *dev, off_t base, void *buf, size_t len)
{
	int fd = open(dev, O_RDONLY); // CHECK: DM001
	ssize_t n;

	if (fd < 0)
		return -1;
	if (lseek(fd, base, SEEK_SET) != base) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, len); // CHECK: DM003 class=unknown
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int efi_table_address(const char *key, unsigned long *addr)
{
	char line[128];
	size_t klen = strlen(key);
	FILE *f;
	int fd = open("/sys/firmware/efi/systab", O_RDONLY); // CHECK: DM006

	if (fd < 0)
		return -1;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0) {
			*addr = strtoul(line + klen, NULL, 16);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}
