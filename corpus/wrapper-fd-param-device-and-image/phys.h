#ifndef PHYS_H
#define PHYS_H
#include <stddef.h>
#include <sys/types.h>
ssize_t phys_pread(int fd, void *buf, size_t len, off_t phys);
int probe_vga_text(int fd);
#endif
