/**
 * @fileoverview Test helper: the .tflite flatbuffer writer now lives in
 * compiler/import/tflite/writer.ts (mote quantize exports with it); re-exported here so the
 * importer tests keep building their synthetic models from this path.
 */
export * from "../../compiler/import/tflite/writer.ts";
