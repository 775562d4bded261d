#ifndef PHYSMEM_H
#define PHYSMEM_H

void *map_physical(unsigned long base, unsigned long length);
void *video_bios(unsigned long offset);

#endif
