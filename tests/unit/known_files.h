/* The names of fw_cfg's known files and the byte the lookup tells them apart
 * by, from boot/fw_cfg.h's list, for the tests that check the probe finds them. */
#ifndef LEAPBOOT_TEST_KNOWN_FILES_H
#define LEAPBOOT_TEST_KNOWN_FILES_H

#include "../../boot/fw_cfg.h"

#define KNOWN_FILE_NAME(id, str, at, arg) [FW_CFG_##id] = str,
static const char *const known_file_names[FW_CFG_KNOWN_FILES] = {
    FW_CFG_KNOWN_LIST(KNOWN_FILE_NAME, )};
#undef KNOWN_FILE_NAME

#define KNOWN_FILE_AT(id, str, at, arg) [FW_CFG_##id] = at,
static const unsigned known_file_at[FW_CFG_KNOWN_FILES] = {FW_CFG_KNOWN_LIST(KNOWN_FILE_AT, )};
#undef KNOWN_FILE_AT

#endif
