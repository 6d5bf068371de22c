/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What libmmiodemo and the mmiodemo tool share and do not export: not
 * installed (libmmiodemo.h is the library's interface).
 */
#ifndef MMIODEMO_UTIL_H
#define MMIODEMO_UTIL_H

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

#endif /* MMIODEMO_UTIL_H */
