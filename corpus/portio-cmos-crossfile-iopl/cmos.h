#ifndef CMOS_H
#define CMOS_H
unsigned char cmos_get(unsigned char reg);
void cmos_set(unsigned char reg, unsigned char val);
#endif
