#pragma once
// A Volume is one 3D scalar image on a regular grid, placed in patient space.
//
// Conventions (the same everywhere in the engine, see docs and DESIGN.md):
//  - Patient space is DICOM LPS in millimetres: +x towards the patient's Left,
//    +y towards Posterior, +z towards Superior. Readers of RAS formats (NIfTI)
//    convert on load.
//  - Voxel index (i, j, k) addresses voxel centres; i varies fastest in memory.
//  - patient = origin + direction * diag(spacing) * ijk, so `origin` is the
//    centre of voxel (0,0,0) and the columns of `direction` are the LPS unit
//    vectors along which i, j and k increase (DICOM's Image Orientation
//    (Patient) plus the slice normal; NIfTI's affine with its column norms
//    divided out). Direction may be improper (determinant -1).
//  - Values are stored already in modality units (HU for CT, label indices for
//    label maps, arbitrary scanner units for MR), so consumers never rescale.
#include <cstddef>
#include <cstdint>
#include <glm/glm.hpp>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::imaging {

// Storage types a Volume can hold. They are the types a GPU can sample as a 3D
// texture directly (R8_UNORM/R16_SINT/R16_UINT/R32_SFLOAT), so readers narrow
// or widen other file types to one of these.
enum class VoxelType { UInt8, Int16, UInt16, Float32 };

// What the values mean. Label marks an integer label map (atlas, segmentation)
// whose values are region indices rather than intensities.
enum class Modality { CT, MR, PT, Label, Other };

[[nodiscard]] std::string_view voxelTypeName(VoxelType type);
[[nodiscard]] std::string_view modalityName(Modality modality);
[[nodiscard]] std::size_t voxelSize(VoxelType type);

// One vector per VoxelType, in the enum's order: the storage's alternative
// index is the VoxelType, so the type can never disagree with the data.
using VoxelStorage = std::variant<std::vector<std::uint8_t>, std::vector<std::int16_t>,
                                  std::vector<std::uint16_t>, std::vector<float>>;

struct ValueRange {
  double min = 0.0;
  double max = 0.0;
};

// Axis-aligned box in patient space (LPS mm).
struct PatientBounds {
  glm::dvec3 min{0.0};
  glm::dvec3 max{0.0};
};

struct Volume {
  glm::ivec3 dims{0};
  glm::dvec3 spacing{1.0};    // mm between voxel centres along i, j, k
  glm::dvec3 origin{0.0};     // LPS mm, centre of voxel (0,0,0)
  glm::dmat3 direction{1.0};  // columns = LPS unit vectors of the i, j, k axes
  Modality modality = Modality::Other;
  VoxelStorage voxels;  // i fastest, then j, then k; host byte order

  // A zero-filled volume of the given size and type, identity geometry.
  [[nodiscard]] static Volume allocate(glm::ivec3 dims, VoxelType type,
                                       Modality modality = Modality::Other);

  [[nodiscard]] VoxelType type() const { return static_cast<VoxelType>(voxels.index()); }
  // dims.x * dims.y * dims.z (0 if any dimension is not positive).
  [[nodiscard]] std::size_t voxelCount() const;
  // Number of stored values (equals voxelCount() in a valid volume).
  [[nodiscard]] std::size_t storedCount() const;
  [[nodiscard]] bool contains(glm::ivec3 ijk) const;
  // Linear index of voxel (i,j,k). Precondition: contains({i,j,k}).
  [[nodiscard]] std::size_t index(int i, int j, int k) const;

  // Value of voxel (i,j,k) in modality units. Precondition: contains({i,j,k}).
  [[nodiscard]] double value(int i, int j, int k) const;
  void setValue(int i, int j, int k, double value);
  // Smallest and largest finite value; {0,0} for an empty volume. NaN and
  // infinities (possible in Float32 data) are skipped.
  [[nodiscard]] ValueRange valueRange() const;

  // The raw voxel bytes, e.g. for a GPU upload or a content hash.
  [[nodiscard]] std::span<const std::byte> bytes() const;
  // Typed view; empty if T does not match type().
  template <typename T>
  [[nodiscard]] std::span<const T> as() const {
    if (const auto* v = std::get_if<std::vector<T>>(&voxels)) {
      return {v->data(), v->size()};
    }
    return {};
  }

  // Voxel index (continuous, voxel centres at integers) -> patient LPS mm.
  [[nodiscard]] glm::dmat4 voxelToPatient() const;
  [[nodiscard]] glm::dmat4 patientToVoxel() const;
  [[nodiscard]] glm::dvec3 voxelToPatient(glm::dvec3 ijk) const;
  [[nodiscard]] glm::dvec3 patientToVoxel(glm::dvec3 lps) const;
  // Box around everything the volume covers: the outer faces of the boundary
  // voxels (centres +- half a voxel), which is what a renderer draws.
  [[nodiscard]] PatientBounds patientBounds() const;

  // Checks the invariants every consumer may assume: dims positive, spacing
  // positive and finite, origin finite, direction orthonormal within
  // kDirectionTolerance, and exactly voxelCount() stored values.
  [[nodiscard]] Status validate() const;
};

// Largest |dot(a,b) - delta_ab| accepted between direction columns. NIfTI and
// DICOM store orientations as float32 text/binary, so exact orthonormality is
// not available; 1e-4 accepts those roundings and rejects real shear.
inline constexpr double kDirectionTolerance = 1e-4;

}  // namespace medverse::imaging
