/* Helpers for the SMBIOS reader: mem_chunk() maps physical memory through the device
 * named by its caller and falls back to lseek+read; read_file() reads ordinary and sysfs
 * files only, so nothing inside it is a finding. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

void *mem_chunk(off_t base, size_t len, const char *devmem)
{
	void *p;
	void *mmp;
	int fd;
	off_t mmoffset;
	long pagesz = sysconf(_SC_PAGESIZE);

	fd = open(devmem, O_RDONLY); // CHECK: DM001
	if (fd == -1) {
		perror(devmem);
		return NULL;
	}
	p = malloc(len);
	if (p == NULL) {
		close(fd);
		return NULL;
	}
	mmoffset = base % pagesz;
	mmp = mmap(NULL, mmoffset + len, PROT_READ, MAP_SHARED, fd, base - mmoffset); // CHECK: DM002 class=unknown
	if (mmp == MAP_FAILED) {
		/* Some kernels refuse the map; try a plain read instead. */
		if (lseek(fd, base, SEEK_SET) == -1) {
			free(p);
			p = NULL;
		} else if (read(fd, p, len) != (ssize_t)len) { // CHECK: DM003 class=unknown
			free(p);
			p = NULL;
		}
	} else {
		memcpy(p, (const char *)mmp + mmoffset, len);
		munmap(mmp, mmoffset + len);
	}
	close(fd);
	return p;
}

void *read_file(off_t base, size_t *len, const char *filename)
{
	int fd;
	ssize_t got;
	unsigned char *p;

	fd = open(filename, O_RDONLY);
	if (fd == -1)
		return NULL;
	if (base != 0 && lseek(fd, base, SEEK_SET) == -1) {
		close(fd);
		return NULL;
	}
	p = malloc(*len);
	if (p == NULL) {
		close(fd);
		return NULL;
	}
	got = read(fd, p, *len);
	close(fd);
	if (got <= 0) {
		free(p);
		return NULL;
	}
	*len = (size_t)got;
	return p;
}
