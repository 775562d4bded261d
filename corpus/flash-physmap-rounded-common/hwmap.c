/* Mapping layer of a chipset tool: public hw_map()/hw_map_ro() call one static helper that
 * rounds the caller's address and size out to whole pages through pointers and then picks a
 * read-write uncached or a read-only cached mapper, each opening the memory device through a
 * macro. Checks: one DM001 and one class=unknown DM002 per mapper; the callers are in probe.c. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hwmap.h"

static int uncached_fd = -1;
static int cached_fd = -1;

static void *map_uncached(uintptr_t phys, size_t size)
{
	if (uncached_fd < 0 && (uncached_fd = open(PHYS_DEVICE, O_RDWR | O_SYNC)) < 0) // CHECK: DM001
		return MAP_FAILED;
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, uncached_fd, (off_t)phys); // CHECK: DM002 class=unknown
}

static void *map_cached(uintptr_t phys, size_t size)
{
	if (cached_fd < 0 && (cached_fd = open(PHYS_DEVICE, O_RDONLY)) < 0) // CHECK: DM001
		return MAP_FAILED;
	return mmap(NULL, size, PROT_READ, MAP_SHARED, cached_fd, (off_t)phys); // CHECK: DM002 class=unknown
}

/* Moves *phys down and grows *size so that both cover whole pages; returns how far it moved. */
static size_t widen_to_pages(uintptr_t *phys, size_t *size)
{
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	const uintptr_t shift = *phys & (page - 1);

	*phys -= shift;
	*size = (*size + shift + page - 1) & ~(page - 1);
	return shift;
}

static void *map_common(const char *what, uintptr_t phys, size_t size, bool readonly, bool whole_pages)
{
	size_t shift = 0;
	char *base;

	if (size == 0)
		return NULL;
	if (whole_pages)
		shift = widen_to_pages(&phys, &size);
	if (readonly)
		base = map_cached(phys, size);
	else
		base = map_uncached(phys, size);
	if (base == MAP_FAILED) {
		fprintf(stderr, "cannot map %s (%zu bytes at 0x%lx)\n", what, size, (unsigned long)phys);
		return NULL;
	}
	return base + shift;
}

void *hw_map(const char *what, uintptr_t phys, size_t size)
{
	return map_common(what, phys, size, false, true);
}

void *hw_map_ro(const char *what, uintptr_t phys, size_t size)
{
	return map_common(what, phys, size, true, true);
}
