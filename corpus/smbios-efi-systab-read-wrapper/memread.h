#ifndef MEMREAD_H
#define MEMREAD_H
#include <stddef.h>
#include <sys/types.h>
int mem_read(const char *dev, off_t base, void *buf, size_t len);
int efi_table_address(const char *key, unsigned long *addr);
#endif
