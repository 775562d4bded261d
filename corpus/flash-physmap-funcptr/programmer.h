#ifndef PROGRAMMER_H
#define PROGRAMMER_H
#include <stddef.h>
#include <stdint.h>

struct programmer {
	const char *name;
	int (*init)(void);
	void *(*map_flash_region)(const char *descr, uintptr_t phys_addr, size_t len);
	void (*unmap_flash_region)(void *virt_addr, size_t len);
};

extern const struct programmer internal_programmer;

void *physmap(const char *descr, uintptr_t phys_addr, size_t len);
void physunmap(void *virt_addr, size_t len);
int board_has_legacy_dmi(void);
#endif
