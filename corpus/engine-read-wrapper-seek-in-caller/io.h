#ifndef IO_H
#define IO_H

#include <stddef.h>

int read_fully(int fd, unsigned char *buf, size_t count);
unsigned char *copy_physical(unsigned long base, size_t length);

#endif
