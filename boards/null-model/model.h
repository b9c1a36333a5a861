/*
 * The smallest library with the generated model API: one 1-byte input copied to one 1-byte
 * output. compiler/toolchain/firmware.ts builds it into a board's firmware to measure the
 * harness's own sizes (startup, semihosting, main), which reports subtract from a model's
 * firmware as anchors.md does ("less the harness"). Not a board (no board.json).
 */
#ifndef MOTE_MODEL_H
#define MOTE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define MOTE_NUM_INPUTS 1
#define MOTE_NUM_OUTPUTS 1
#define MOTE_ARENA_BYTES 1

void *mote_input(int index);
size_t mote_input_bytes(int index);
const void *mote_output(int index);
size_t mote_output_bytes(int index);
int mote_init(void);
int mote_invoke(void);

#endif
