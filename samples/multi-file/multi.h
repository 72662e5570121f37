/* SPDX-License-Identifier: GPL-2.0 */
/* multi.h - what main.c uses from helper.c. */
#ifndef MULTI_H
#define MULTI_H
int multi_times(int a, int b);
const char *multi_farewell(void);
#endif
