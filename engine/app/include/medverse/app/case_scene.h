#pragma once
// A patient case in the consult room: the glue between engine/imaging (case
// bundles, volumes) and engine/render (which knows neither). Uploads the
// case's volume and surfaces once, keeps how each is shown (transfer
// function, clip planes, slices, per-label colour, opacity and visibility),
// and adds the hologram to a RenderView each frame, placed at the room's
// hologram anchor and scaled from millimetres to metres.
#include <filesystem>
#include <glm/mat4x4.hpp>
#include <glm/vec3.hpp>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/imaging/case_bundle.h"
#include "medverse/imaging/volume.h"
#include "medverse/render/render_view.h"
#include "medverse/render/volume.h"

namespace medverse::render {
class Renderer;
}

namespace medverse::app {

// The render API's plain description of an imaging volume. The voxel span
// points into `volume`, which must outlive the returned value.
render::VolumeData toVolumeData(const imaging::Volume& volume, std::string name);

// Uploads an imaging volume (values in modality units) to the renderer.
Result<render::VolumeHandle> uploadVolume(render::Renderer& renderer, const imaging::Volume& volume,
                                          std::string name);

// The transfer function a case opens with: the CT preset named by its window
// (ct-bone, ct-lung, ct-soft; bone when unnamed), or for other modalities
// the MR brain preset over the case's window.
render::TransferFunction defaultTransferFunction(const imaging::CaseBundle& bundle);

// Patient LPS mm -> room metres, for a hologram standing upright as the
// patient would, facing the viewer on the room's +Z side: superior is up,
// anterior towards +Z, the patient's left towards +X. `centre` (patient mm)
// lands on `anchor`; `metresPerMm` is 0.001 for life size.
glm::mat4 hologramTransform(const glm::vec3& centre, const glm::vec3& anchor,
                            float metresPerMm = 0.001F);

// How one case surface is shown. Colours are linear RGB.
struct SurfaceDisplay {
  std::string name;
  int label = 0;  // atlas label value; 0 for isosurfaces
  render::MeshHandle mesh;
  glm::vec3 color{0.8F};
  float opacity = 1.0F;  // below 1: drawn blended, after the volume
  bool visible = true;
};

struct CaseSceneOptions {
  glm::vec3 anchor{0.0F};      // room point under the volume's centre (Room::hologramAnchor)
  float metresPerMm = 0.001F;  // life size; larger magnifies the hologram
  bool showVolume = true;
  bool showSurfaces = false;  // initial visibility of every surface
};

class CaseScene {
 public:
  static Result<CaseScene> create(render::Renderer& renderer, const imaging::CaseBundle& bundle,
                                  const CaseSceneOptions& options);

  // Adds the hologram (volume instance and visible surfaces) to `view`.
  void appendTo(render::RenderView& view) const;

  // What the app edits: presets, window, clip planes, slices...
  [[nodiscard]] render::VolumeInstance& volume() { return volume_; }
  [[nodiscard]] const render::VolumeInstance& volume() const { return volume_; }
  [[nodiscard]] std::vector<SurfaceDisplay>& surfaces() { return surfaces_; }
  [[nodiscard]] const std::vector<SurfaceDisplay>& surfaces() const { return surfaces_; }
  // Shows or hides every surface of an atlas label; false if no surface has it.
  bool setLabelVisible(int label, bool visible);
  bool setLabelOpacity(int label, float opacity);

  [[nodiscard]] const render::VolumeInfo& volumeInfo() const { return info_; }
  // The hologram's transform (patient mm -> room metres).
  [[nodiscard]] const glm::mat4& model() const { return volume_.model; }
  // Centre of the volume's box in patient mm.
  [[nodiscard]] glm::vec3 patientCentre() const {
    return 0.5F * (info_.boundsMin + info_.boundsMax);
  }

 private:
  render::VolumeInstance volume_;
  render::VolumeInfo info_;
  std::vector<SurfaceDisplay> surfaces_;
};

// Reads a case: a case bundle directory (CASE.mvcase), or a NIfTI file
// imported on the fly. Errors name the path.
Result<imaging::CaseBundle> loadCase(const std::filesystem::path& path);

// Where the sample case is cached: $MEDVERSE_CACHE, else
// $XDG_CACHE_HOME/medverse, else ~/.cache/medverse.
std::filesystem::path defaultCacheDir();

// The sample case: the ch2better T1 template with the AAL atlas's label
// surfaces, from /usr/share/mricron/templates (Debian's mricron-data).
// Imported once and cached as a bundle in `cacheDir` (empty: no cache).
Result<imaging::CaseBundle> loadSampleCase(const std::filesystem::path& cacheDir);
// Where loadSampleCase keeps the sample case's bundle in `cacheDir`.
std::filesystem::path sampleCaseBundlePath(const std::filesystem::path& cacheDir);

}  // namespace medverse::app
