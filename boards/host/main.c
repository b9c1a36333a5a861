/*
 * Host harness: runs one inference of a generated model library on the build machine.
 *
 * Usage: ./prog DIR. DIR/input_<i>.bin holds one or more invocations' worth of model input i
 * (its size a multiple K >= 1 of mote_input_bytes(i), the same K for every input). K times it
 * reads the next chunk of every input into mote_input(i), calls mote_invoke() and appends the
 * outputs to DIR/output_<i>.bin; the arena (variable tensors: streaming state) is kept between
 * invocations. Any problem prints one "error: ..." line on stderr and exits with 1; a
 * nonzero mote_invoke() status is "error: mote_invoke() returned status N" (the runner,
 * compiler/toolchain/host.ts, says what N means for the model).
 * Built by compiler/toolchain/host.ts with gcc -std=c11 -Wall -Wextra -Wconversion -Wcast-qual -Werror; the firmware
 * counterpart is boards/qemu-mps2-an500/main.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static void tensor_path(char *path, size_t size, const char *dir, const char *kind, int index)
{
  int n = snprintf(path, size, "%s/%s_%d.bin", dir, kind, index);
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "error: directory path too long: %s\n", dir);
    exit(1);
  }
}

static FILE *input_files[MOTE_NUM_INPUTS];
static FILE *output_files[MOTE_NUM_OUTPUTS];

/* Opens input i; returns how many invocations' worth of bytes it holds (0 after an error line). */
static long open_input(const char *dir, int index, long invocations)
{
  char path[4096];
  tensor_path(path, sizeof path, dir, "input", index);
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "error: cannot open input file %s\n", path);
    exit(1);
  }
  long length = -1;
  if (fseek(file, 0, SEEK_END) == 0) length = ftell(file);
  if (length < 0 || fseek(file, 0, SEEK_SET) != 0) {
    fprintf(stderr, "error: cannot read input file %s\n", path);
    exit(1);
  }
  size_t bytes = mote_input_bytes(index);
  size_t expected = invocations > 0 ? bytes * (size_t)invocations : bytes;
  if (length == 0 || (size_t)length % bytes != 0 || (invocations > 0 && (size_t)length != expected)) {
    fprintf(stderr, "error: input file %s has the wrong size: expected %zu bytes%s, found %ld\n",
            path, expected, invocations > 0 ? "" : " (or a multiple, one chunk per invocation)", length);
    exit(1);
  }
  input_files[index] = file;
  return (long)((size_t)length / bytes);
}

static void read_input(int index)
{
  size_t expected = mote_input_bytes(index);
  if (fread(mote_input(index), 1, expected, input_files[index]) != expected) {
    fprintf(stderr, "error: cannot read input %d\n", index);
    exit(1);
  }
}

static void open_output(const char *dir, int index)
{
  char path[4096];
  tensor_path(path, sizeof path, dir, "output", index);
  output_files[index] = fopen(path, "wb");
  if (output_files[index] == NULL) {
    fprintf(stderr, "error: cannot create output file %s\n", path);
    exit(1);
  }
}

static void write_output(int index)
{
  size_t bytes = mote_output_bytes(index);
  if (fwrite(mote_output(index), 1, bytes, output_files[index]) != bytes) {
    fprintf(stderr, "error: cannot write output %d\n", index);
    exit(1);
  }
}

#ifdef MOTE_TRACE
/* Layer dumps (debug builds with -DMOTE_TRACE): every tensor a layer produces is written to
 * DIR/tensor_<index>.bin right after that layer, for comparison with a reference dump. */
static const char *trace_dir;

void mote_trace(int op_index, int tensor_index, const void *data, size_t bytes)
{
  char path[4096];
  (void)op_index;
  tensor_path(path, sizeof path, trace_dir, "tensor", tensor_index);
  FILE *file = fopen(path, "wb");
  if (file == NULL || fwrite(data, 1, bytes, file) != bytes || fclose(file) != 0) {
    fprintf(stderr, "error: cannot write trace file %s\n", path);
    exit(1);
  }
}
#endif

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "error: usage: %s DIR (DIR holds input_<i>.bin; output_<i>.bin are written there)\n",
            argv[0]);
    return 1;
  }
#ifdef MOTE_TRACE
  trace_dir = argv[1];
#endif
  long invocations = 0;
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) invocations = open_input(argv[1], i, invocations);
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) open_output(argv[1], i);
  int init_status = mote_init();
  if (init_status != 0) {
    fprintf(stderr, "error: mote_init() returned status %d\n", init_status);
    return 1;
  }
  for (long n = 0; n < invocations; n++) {
    for (int i = 0; i < MOTE_NUM_INPUTS; i++) read_input(i);
    int status = mote_invoke();
    if (status != 0) {
      fprintf(stderr, "error: mote_invoke() returned status %d\n", status);
      return 1;
    }
    for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) write_output(i);
  }
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) fclose(input_files[i]);
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) {
    if (fclose(output_files[i]) != 0) {
      fprintf(stderr, "error: cannot write output %d\n", i);
      return 1;
    }
  }
  return 0;
}
