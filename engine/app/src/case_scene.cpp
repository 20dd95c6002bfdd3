#include "medverse/app/case_scene.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <glm/gtc/matrix_transform.hpp>
#include <system_error>

#include "medverse/core/log.h"
#include "medverse/imaging/case_import.h"
#include "medverse/render/renderer.h"

namespace medverse::app {
namespace fs = std::filesystem;

namespace {

constexpr const char* kTemplates = "/usr/share/mricron/templates";
constexpr const char* kSampleBundle = "ch2better-aal.mvcase";

glm::vec3 linearFromSrgb(glm::u8vec3 c) {
  const auto channel = [](uint8_t byte) {
    const float v = static_cast<float>(byte) / 255.0F;
    return v <= 0.04045F ? v / 12.92F : std::pow((v + 0.055F) / 1.055F, 2.4F);
  };
  return {channel(c.r), channel(c.g), channel(c.b)};
}

}  // namespace

render::VolumeData toVolumeData(const imaging::Volume& volume, std::string name) {
  render::VolumeData data;
  data.name = std::move(name);
  data.dims = glm::uvec3(glm::max(volume.dims, glm::ivec3(0)));
  data.spacing = glm::vec3(volume.spacing);
  data.voxelToPatient = glm::mat4(volume.voxelToPatient());
  std::visit([&](const auto& v) { data.voxels = std::span(v.data(), v.size()); }, volume.voxels);
  return data;
}

Result<render::VolumeHandle> uploadVolume(render::Renderer& renderer, const imaging::Volume& volume,
                                          std::string name) {
  if (Status s = volume.validate(); !s) {
    return makeError("volume '" + name + "': " + s.error().message);
  }
  return renderer.uploadVolume(toVolumeData(volume, std::move(name)));
}

render::TransferFunction defaultTransferFunction(const imaging::CaseBundle& bundle) {
  const std::string name = bundle.windows.empty() ? std::string() : bundle.windows.front().name;
  if (bundle.volume.modality == imaging::Modality::CT || name.rfind("ct-", 0) == 0) {
    if (name == "ct-lung") {
      return render::presetCtLung();
    }
    if (name == "ct-soft") {
      return render::presetCtSoftTissue();
    }
    return render::presetCtBone();
  }
  if (!bundle.windows.empty() && bundle.windows.front().width > 0.0) {
    const imaging::WindowPreset& w = bundle.windows.front();
    return render::presetMrBrain(static_cast<float>(w.center - 0.5 * w.width),
                                 static_cast<float>(w.center + 0.5 * w.width));
  }
  const imaging::ValueRange range = bundle.volume.valueRange();
  return render::presetMrBrain(static_cast<float>(range.min), static_cast<float>(range.max));
}

glm::mat4 hologramTransform(const glm::vec3& centre, const glm::vec3& anchor, float metresPerMm) {
  glm::mat4 lpsToRoom(0.0F);
  lpsToRoom[0] = glm::vec4(1, 0, 0, 0);   // left -> +X
  lpsToRoom[1] = glm::vec4(0, 0, -1, 0);  // posterior -> -Z (anterior faces the viewer)
  lpsToRoom[2] = glm::vec4(0, 1, 0, 0);   // superior -> +Y
  lpsToRoom[3] = glm::vec4(0, 0, 0, 1);
  return glm::translate(glm::mat4(1.0F), anchor) * lpsToRoom *
         glm::scale(glm::mat4(1.0F), glm::vec3(metresPerMm)) *
         glm::translate(glm::mat4(1.0F), -centre);
}

Result<CaseScene> CaseScene::create(render::Renderer& renderer, const imaging::CaseBundle& bundle,
                                    const CaseSceneOptions& options) {
  CaseScene scene;
  Result<render::VolumeHandle> handle = uploadVolume(renderer, bundle.volume, "case volume");
  if (!handle) {
    return handle.error();
  }
  Result<render::VolumeInfo> info = renderer.volumeInfo(*handle);
  if (!info) {
    return info.error();
  }
  scene.info_ = *info;
  render::VolumeInstance& v = scene.volume_;
  v.volume = *handle;
  v.model = hologramTransform(scene.patientCentre(), options.anchor, options.metresPerMm);
  v.showVolume = options.showVolume;
  v.transfer = defaultTransferFunction(bundle);
  // Slices start through the centre, off, with the case's display window.
  const glm::vec3 centre = scene.patientCentre();
  render::WindowLevel window{0.5F * (info->minValue + info->maxValue),
                             std::max(info->maxValue - info->minValue, 1.0F)};
  if (!bundle.windows.empty() && bundle.windows.front().width > 0.0) {
    window = {static_cast<float>(bundle.windows.front().center),
              static_cast<float>(bundle.windows.front().width)};
  }
  v.slices[static_cast<size_t>(render::SliceAxis::Axial)] = {false, centre.z, window};
  v.slices[static_cast<size_t>(render::SliceAxis::Coronal)] = {false, centre.y, window};
  v.slices[static_cast<size_t>(render::SliceAxis::Sagittal)] = {false, centre.x, window};

  for (const imaging::CaseSurface& surface : bundle.surfaces) {
    if (surface.mesh.indices.empty()) {
      continue;
    }
    Result<render::MeshHandle> mesh = renderer.uploadMesh(surface.mesh);
    if (!mesh) {
      return makeError("surface '" + surface.name + "': " + mesh.error().message);
    }
    SurfaceDisplay d;
    d.name = surface.name;
    d.label = surface.label;
    d.mesh = *mesh;
    d.color = linearFromSrgb(surface.color);
    d.opacity = std::clamp(surface.opacity, 0.0F, 1.0F);
    d.visible = options.showSurfaces;
    scene.surfaces_.push_back(std::move(d));
  }
  return scene;
}

void CaseScene::appendTo(render::RenderView& view) const {
  view.volumes.push_back(volume_);
  for (const SurfaceDisplay& s : surfaces_) {
    if (!s.visible || s.opacity <= 0.0F) {
      continue;
    }
    render::MeshInstance m;
    m.mesh = s.mesh;
    m.model = volume_.model;  // surfaces are in patient mm, like the volume
    m.material.baseColor = glm::vec4(s.color, s.opacity);
    m.material.roughness = 0.55F;
    view.meshes.push_back(m);
  }
}

bool CaseScene::setLabelVisible(int label, bool visible) {
  bool found = false;
  for (SurfaceDisplay& s : surfaces_) {
    if (s.label == label) {
      s.visible = visible;
      found = true;
    }
  }
  return found;
}

bool CaseScene::setLabelOpacity(int label, float opacity) {
  bool found = false;
  for (SurfaceDisplay& s : surfaces_) {
    if (s.label == label) {
      s.opacity = std::clamp(opacity, 0.0F, 1.0F);
      found = true;
    }
  }
  return found;
}

Result<imaging::CaseBundle> loadCase(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return imaging::readCaseBundle(path);
  }
  if (!fs::exists(path, ec)) {
    return makeError("case '" + path.string() + "' does not exist");
  }
  const std::string name = path.filename().string();
  const auto endsWith = [&](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (endsWith(".nii") || endsWith(".nii.gz")) {
    imaging::ImportRequest request;
    request.inputs = {path};
    Result<imaging::CaseBundle> bundle = imaging::importCase(request);
    if (!bundle) {
      return makeError("case '" + path.string() + "': " + bundle.error().message);
    }
    return bundle;
  }
  return makeError("case '" + path.string() +
                   "' is neither a case bundle directory nor a NIfTI file (.nii, .nii.gz)");
}

fs::path defaultCacheDir() {
  // Read once at start-up, before any thread could change the environment.
  const char* dir = std::getenv("MEDVERSE_CACHE");  // NOLINT(concurrency-mt-unsafe)
  const char* xdg = std::getenv("XDG_CACHE_HOME");  // NOLINT(concurrency-mt-unsafe)
  const char* home = std::getenv("HOME");           // NOLINT(concurrency-mt-unsafe)
  if (dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "medverse";
  }
  if (home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "medverse";
  }
  return fs::temp_directory_path() / "medverse-cache";
}

fs::path sampleCaseBundlePath(const fs::path& cacheDir) {
  return cacheDir / kSampleBundle;
}

Result<imaging::CaseBundle> loadSampleCase(const fs::path& cacheDir) {
  auto logger = log::get("app");
  std::error_code ec;
  const fs::path cached = cacheDir.empty() ? fs::path() : cacheDir / kSampleBundle;
  if (!cached.empty() && fs::is_directory(cached, ec)) {
    Result<imaging::CaseBundle> bundle = imaging::readCaseBundle(cached);
    if (bundle) {
      return bundle;
    }
    logger->warn("cached sample case unusable ({}); importing it again", bundle.error().message);
  }
  const fs::path templates(kTemplates);
  imaging::ImportRequest request;
  request.inputs = {templates / "ch2better.nii.gz"};
  request.labels = templates / "aal.nii.gz";
  for (const fs::path& p : {request.inputs.front(), *request.labels}) {
    if (!fs::exists(p, ec)) {
      return makeError("the sample case needs " + p.string() +
                       " (Debian package mricron-data; scripts/setup installs it)");
    }
  }
  logger->info("importing the sample case from {}", templates.string());
  Result<imaging::CaseBundle> bundle = imaging::importCase(request);
  if (!bundle) {
    return makeError("sample case: " + bundle.error().message);
  }
  if (!cached.empty()) {
    fs::create_directories(cacheDir, ec);
    if (Status s = imaging::writeCaseBundle(*bundle, cached, true); !s) {
      logger->warn("could not cache the sample case: {}", s.error().message);
    }
  }
  return bundle;
}

}  // namespace medverse::app
