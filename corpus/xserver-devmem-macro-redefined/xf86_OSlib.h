#ifndef XF86_OSLIB_H
#define XF86_OSLIB_H

#define DEV_MEM "/dev/mem"

int xf86ReadBIOS(unsigned long Base, unsigned long Offset, unsigned char *Buf, int Len);
void *xf86MapAperture(unsigned long Base, unsigned long Size);

#endif
