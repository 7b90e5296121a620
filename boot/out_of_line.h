/* Marks a function the link-time inliner must not copy into its callers. Under
 * TCG each distinct instruction costs microseconds to translate, far more than a
 * call: a function inlined at several call sites (or one whose inlining makes the
 * inliner copy others) is translated once per copy. The ones marked were measured
 * with tools/bootbench --count ("translated code") against the instructions run. */
#ifndef LEAPBOOT_OUT_OF_LINE_H
#define LEAPBOOT_OUT_OF_LINE_H

#define OUT_OF_LINE __attribute__((noinline))

#endif
