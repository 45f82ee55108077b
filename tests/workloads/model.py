#!/usr/bin/python3
"""Random file operations on a DAX file, each read checked against an
in-memory model of the file: read, write, O_DIRECT write, mmap read,
MAP_SHARED write + msync, truncate and punch hole, mixed while mapped.

Usage: model.py FILE SEED OPS [MAX_MIB]
Exits 1 at the first read that differs from the model, naming the op;
the last line gives the sha256 the file must have from then on."""
import ctypes
import hashlib
import mmap
import os
import random
import sys

FALLOC_FL_KEEP_SIZE = 1
FALLOC_FL_PUNCH_HOLE = 2
PAGE = 4096
libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]


def punch(fd, off, length):
    if libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, length):
        raise OSError(ctypes.get_errno(), "fallocate punch hole")


def main():
    path, seed, ops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    max_size = (int(sys.argv[4]) if len(sys.argv) > 4 else 48) << 20
    rnd = random.Random(seed)
    model = bytearray(rnd.randbytes(max_size // 2))
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.pwrite(fd, bytes(model), 0)
    dfd = os.open(path, os.O_RDWR | os.O_DIRECT)
    aligned = mmap.mmap(-1, 1 << 20)  # page-aligned buffer for O_DIRECT

    def check(off, got, what):
        want = bytes(model[off:off + len(got)])
        if got != want:
            bad = next(i for i in range(len(got)) if got[i] != want[i])
            print(f"FAIL: op {n} {what}: byte {off + bad} is {got[bad]:#x}, "
                  f"model says {want[bad]:#x} (file size {len(model)})")
            sys.exit(1)

    for n in range(ops):
        size = len(model)
        op = rnd.choice(["read", "write", "direct", "mread", "mwrite",
                         "truncate", "punch", "read", "mread"])
        off = rnd.randrange(0, max(size, 1))
        length = rnd.randrange(1, 256 << 10)
        if op == "read":
            check(off, os.pread(fd, length, off), f"read {off}+{length}")
        elif op == "write":
            off = rnd.randrange(0, max_size - length)
            data = rnd.randbytes(length)
            os.pwrite(fd, data, off)
            if off > len(model):
                model.extend(bytes(off - len(model)))
            model[off:off + length] = data
        elif op == "direct":
            off = rnd.randrange(0, max_size - (1 << 20)) & ~(PAGE - 1)
            length = rnd.randrange(1, 256) * PAGE
            data = rnd.randbytes(length)
            aligned[:length] = data
            os.pwritev(dfd, [memoryview(aligned)[:length]], off)
            if off > len(model):
                model.extend(bytes(off - len(model)))
            model[off:off + length] = data
        elif op in ("mread", "mwrite") and size:
            with mmap.mmap(fd, size) as m:
                length = min(length, size - off)
                if op == "mread":
                    check(off, m[off:off + length], f"mmap read {off}+{length}")
                else:
                    data = rnd.randbytes(length)
                    m[off:off + length] = data
                    model[off:off + length] = data
                    if rnd.random() < 0.5:
                        m.flush()
        elif op == "truncate":
            new = rnd.randrange(0, max_size)
            os.ftruncate(fd, new)
            if new < len(model):
                del model[new:]
            else:
                model.extend(bytes(new - len(model)))
        elif op == "punch" and size:
            length = min(length, size - off)
            punch(fd, off, length)
            model[off:off + length] = bytes(length)
    os.fsync(fd)
    check(0, os.pread(fd, len(model) + 1, 0), "final read")
    os.close(dfd)
    os.close(fd)
    print(f"ok: {ops} operations, final size {len(model)}, "
          f"sha256 {hashlib.sha256(model).hexdigest()}")


if __name__ == "__main__":
    main()
