#ifndef HWMAP_H
#define HWMAP_H
#include <stddef.h>
#include <stdint.h>

#define PHYS_DEVICE "/dev/mem"

void *hw_map(const char *what, uintptr_t phys, size_t size);
void *hw_map_ro(const char *what, uintptr_t phys, size_t size);
uintptr_t chipset_mmio_base(void);
#endif
