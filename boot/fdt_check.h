/* A strict check of a flattened device tree before libfdt walks it. */
#ifndef LEAPBOOT_FDT_CHECK_H
#define LEAPBOOT_FDT_CHECK_H

/* 0 if fdt (version 17) is well-formed: its header (fdt_check_header), a /memreserve/
 * list that ends inside its block, and a structure block of properly nested nodes
 * under one root, each name and property inside the block, each property name a
 * NUL-terminated string of the strings block, ending with FDT_END. Otherwise a
 * negative libfdt error code. libfdt 1.6 itself can loop forever or crash
 * (fdt_check_full included) on trees that fail this. */
int fdt_validate(const void *fdt);

#endif
