// SPDX-License-Identifier: GPL-2.0
/*
 * helper.c - the other half of multi.ko: plain functions with external linkage (not exported:
 * they are visible to main.c at link time, not to other modules).
 */
#include "multi.h"

int multi_times(int a, int b)
{
	return a * b;
}

const char *multi_farewell(void)
{
	return "goodbye from helper.c";
}
