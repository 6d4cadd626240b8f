import SwiftProtobuf

/// Decodes a pprof `profile.proto` (gzipped or not) into a ``StackProfile``: every sample's
/// location ids resolved to locations, each location's lines (inlined calls, innermost first)
/// to function names. `go tool pprof` reads the same way, so its `-traces` frames are ours.
public enum PprofProfileDecoder {
    /// Decodes a profile; `limitBytes` bounds the decompressed size.
    public static func decode(_ bytes: [UInt8], limitBytes: Int = 64 << 20) throws(EvidenceDecodeError) -> StackProfile {
        let raw = try Gunzip.decompressIfNeeded(bytes, limitBytes: limitBytes)
        let profile: Perftools_Profiles_Profile
        do {
            profile = try Perftools_Profiles_Profile(serializedBytes: raw)
        } catch {
            throw EvidenceDecodeError(.protobuf, "not a profile.proto message (\(raw.count) bytes): \(error)")
        }
        return try stackProfile(from: profile)
    }

    static func stackProfile(from profile: Perftools_Profiles_Profile) throws(EvidenceDecodeError) -> StackProfile {
        let strings = profile.stringTable
        func string(_ index: Int64, _ what: @autoclosure () -> String) throws(EvidenceDecodeError) -> String {
            guard index >= 0, index < strings.count else {
                throw EvidenceDecodeError(.profile, "\(what()) refers to string \(index), past the table's \(strings.count)")
            }
            return strings[Int(index)]
        }
        guard strings.first.map(\.isEmpty) ?? false else {
            throw EvidenceDecodeError(.profile, "the string table must start with the empty string")
        }
        var sampleTypes: [StackProfile.SampleType] = []
        for (i, valueType) in profile.sampleType.enumerated() {
            sampleTypes.append(.init(type: try string(valueType.type, "sample_type \(i)"),
                                     unit: try string(valueType.unit, "sample_type \(i)")))
        }
        guard !sampleTypes.isEmpty else { throw EvidenceDecodeError(.profile, "the profile has no sample types") }

        var functionNames: [UInt64: String] = [:]
        for function in profile.function {
            functionNames[function.id] = try string(function.name, "function \(function.id)")
        }
        var framesByLocation: [UInt64: [String]] = [:]
        for location in profile.location {
            guard !location.line.isEmpty else {
                // Unsymbolised: pprof shows the address.
                framesByLocation[location.id] = ["0x" + String(location.address, radix: 16)]
                continue
            }
            var frames: [String] = []
            for line in location.line {
                guard let name = functionNames[line.functionID] else {
                    throw EvidenceDecodeError(.profile, "location \(location.id) refers to function \(line.functionID), which the profile lacks")
                }
                frames.append(name)
            }
            framesByLocation[location.id] = frames
        }

        var values: [CallStack: [Int64]] = [:]
        for (i, sample) in profile.sample.enumerated() {
            guard sample.value.count == sampleTypes.count else {
                throw EvidenceDecodeError(.profile, "sample \(i) has \(sample.value.count) values for \(sampleTypes.count) sample types")
            }
            var frames: [String] = []
            for id in sample.locationID {
                guard let locationFrames = framesByLocation[id] else {
                    throw EvidenceDecodeError(.profile, "sample \(i) refers to location \(id), which the profile lacks")
                }
                frames.append(contentsOf: locationFrames)
            }
            let stack = CallStack(frames: frames)
            if var sum = values[stack] {
                for j in sum.indices { sum[j] &+= sample.value[j] }
                values[stack] = sum
            } else {
                values[stack] = sample.value
            }
        }

        let defaultIndex: Int
        if profile.defaultSampleType != 0, let name = try? string(profile.defaultSampleType, "default_sample_type"),
           let index = sampleTypes.firstIndex(where: { $0.type == name }) {
            defaultIndex = index
        } else {
            defaultIndex = sampleTypes.count - 1
        }
        let kind: StackProfile.Kind
        if sampleTypes.contains(where: { $0.type == "goroutine" }) {
            kind = .goroutine
        } else if sampleTypes.contains(where: { $0.type == "inuse_space" || $0.type == "alloc_space" }) {
            kind = .heap
        } else {
            throw EvidenceDecodeError(.unknownFormat, "a profile of \(sampleTypes.map(\.description).joined(separator: ", ")) is neither a heap profile nor a goroutine profile")
        }
        return StackProfile(kind: kind, sampleTypes: sampleTypes, defaultSampleIndex: defaultIndex, values: values)
    }
}
