// Exports of the resource catalog: JSON, CSV and DCAT-AP (JSON-LD).
//
// The DCAT-AP mapping: a dcat:Catalog whose dcat:dataset entries are the resources —
// dct:identifier the resource code, dct:title the name, dct:description the summary,
// dct:publisher the provider department (foaf:Agent), dcat:theme the classification
// (skos:Concept with its code as skos:notation), dcat:keyword the classification names,
// dct:accrualPeriodicity the update cycle (EU frequency authority table), dct:issued the
// first and dct:modified this version's publication, dct:accessRights the opening
// attribute (EU access-right table: open PUBLIC, conditional RESTRICTED, closed
// NON_PUBLIC), dct:relation the related resources, owl:versionInfo the version, and one
// dcat:Distribution (dct:format, dcat:accessURL) per resource.
#pragma once

#include <string>
#include <vector>

#include "share/resource.h"

namespace citydata::share {

// {"resources": [...], "total": N} with each resource as ToJson() writes it.
std::string ExportJson(const std::vector<Resource>& resources);
// A header line and one line per resource (RFC 4180), items as "name:type:level" joined
// by ';', related codes joined by ';'.
std::string ExportCsv(const std::vector<Resource>& resources);
// DCAT-AP JSON-LD; resource IRIs are `base_url` + "/api/v1/resources/" + id.
std::string ExportDcat(const std::vector<Resource>& resources, const std::string& base_url);

}  // namespace citydata::share
