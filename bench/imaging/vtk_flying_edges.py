#!/usr/bin/python3
"""VTK's flying edges on the same volume and iso value as bench_isosurface.

The reference for docs/PERFORMANCE.md: vtkNIFTIImageReader + vtkFlyingEdges3D
with normals on (as ours computes them) and scalars off (ours has none), on
Debian's python3-vtk9 (scripts/setup --bench). Runs with VTK's default SMP
backend at the machine's thread count, then with one thread.

Prints a header and one line per run; with --machine, one CSV line per run:
name,threads,best_ms,median_ms,mvox_per_s,triangles,vertices
Uses /usr/bin/python3 on purpose: Debian's VTK is built for the system Python.
"""
import argparse
import os
import statistics
import time

from vtkmodules.vtkCommonCore import vtkSMPTools, vtkVersion
from vtkmodules.vtkFiltersCore import vtkFlyingEdges3D
from vtkmodules.vtkIOImage import vtkNIFTIImageReader


def measure(image, iso, runs):
    fe = vtkFlyingEdges3D()
    fe.SetInputData(image)
    fe.SetValue(0, iso)
    fe.ComputeNormalsOn()
    fe.ComputeGradientsOff()
    fe.ComputeScalarsOff()
    times = []
    for _ in range(runs):
        fe.Modified()
        start = time.perf_counter()
        fe.Update()
        times.append(time.perf_counter() - start)
    out = fe.GetOutput()
    return min(times), statistics.median(times), out.GetNumberOfCells(), out.GetNumberOfPoints()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="/usr/share/mricron/templates/ch2better.nii.gz")
    parser.add_argument("--iso", type=float, default=60.5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--machine", action="store_true", help="CSV lines only")
    args = parser.parse_args()

    reader = vtkNIFTIImageReader()
    reader.SetFileName(args.file)
    reader.Update()
    image = reader.GetOutput()
    dims = image.GetDimensions()
    voxels = dims[0] * dims[1] * dims[2]

    hardware = os.cpu_count() or 1
    rows = []
    for threads in sorted({hardware, 1}, reverse=True):
        vtkSMPTools.Initialize(threads)
        used = vtkSMPTools.GetEstimatedNumberOfThreads()
        best, median, tris, points = measure(image, args.iso, args.runs)
        name = f"vtkFlyingEdges3D ({vtkSMPTools.GetBackend()})"
        rows.append((name, used, best * 1e3, median * 1e3, voxels / best / 1e6, tris, points))

    if args.machine:
        for r in rows:
            print("{},{},{:.2f},{:.2f},{:.1f},{},{}".format(*r))
        return
    print(f"VTK {vtkVersion.GetVTKVersion()}: {os.path.basename(args.file)} "
          f"{dims[0]}x{dims[1]}x{dims[2]} ({voxels / 1e6:.1f} M voxels), iso {args.iso}, "
          f"best of {args.runs}")
    print(f"{'variant':34} {'threads':>7} {'best ms':>8} {'median':>8} {'Mvox/s':>7} "
          f"{'triangles':>10} {'vertices':>9}")
    for r in rows:
        print("{:34} {:>7} {:>8.1f} {:>8.1f} {:>7.1f} {:>10} {:>9}".format(*r))


if __name__ == "__main__":
    main()
