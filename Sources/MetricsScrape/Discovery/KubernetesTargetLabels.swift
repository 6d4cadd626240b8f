/// Turns nodes and pods into discovered label sets with Prometheus' `__meta_kubernetes_*`
/// labels, an `__address__` to scrape, and SoakMonitor's default identifying labels.
///
/// Node role (as Prometheus): `__address__` = first of InternalIP, InternalDNS, ExternalIP,
/// ExternalDNS, Hostname, with the kubelet's port from `status.daemonEndpoints`; `instance` = node name.
/// Pod role: one target per declared container port (Prometheus), or one per pod at the
/// preset's port when the job has a preset (control-plane static pods declare no ports);
/// `namespace`, `pod` and `node` labels are added so reports can name the pod and its node.
/// Pods without an IP, or that have finished (`Succeeded`, `Failed`), are skipped: they serve nothing.
enum KubernetesTargetLabels {
    static func labelSets(for node: KubernetesObjects.Node, preset: KubernetesPreset?) -> LabelSet? {
        let addresses = node.status?.addresses ?? []
        let preferred = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "Hostname"]
        guard let host = preferred.lazy.compactMap({ type in addresses.first { $0.type == type }?.address }).first else {
            return nil
        }
        let kubeletPort = node.status?.daemonEndpoints?.kubeletEndpoint?.port ?? 10250
        let port: Int
        switch preset {
        case nil, .kubelet?, .kubeletCAdvisor?: port = kubeletPort
        case let preset?: port = preset.port
        }
        var set = LabelSet()
        set["__address__"] = joinHostPort(host, port)
        set["instance"] = node.metadata.name
        set["__meta_kubernetes_node_name"] = node.metadata.name
        set["__meta_kubernetes_node_provider_id"] = node.spec?.providerID
        addObjectLabels(&set, prefix: "__meta_kubernetes_node", metadata: node.metadata)
        for address in addresses where set["__meta_kubernetes_node_address_\(address.type)"] == nil {
            set["__meta_kubernetes_node_address_\(sanitize(address.type))"] = address.address
        }
        return set
    }

    static func labelSets(for pod: KubernetesObjects.Pod, preset: KubernetesPreset?) -> [LabelSet] {
        guard let podIP = pod.status?.podIP, !podIP.isEmpty else { return [] }
        let phase = pod.status?.phase ?? ""
        if phase == "Succeeded" || phase == "Failed" { return [] }
        var base = LabelSet()
        let meta = pod.metadata
        base["namespace"] = meta.namespace
        base["pod"] = meta.name
        base["node"] = pod.spec?.nodeName
        base["__meta_kubernetes_namespace"] = meta.namespace
        base["__meta_kubernetes_pod_name"] = meta.name
        base["__meta_kubernetes_pod_ip"] = podIP
        base["__meta_kubernetes_pod_uid"] = meta.uid
        base["__meta_kubernetes_pod_node_name"] = pod.spec?.nodeName
        base["__meta_kubernetes_pod_host_ip"] = pod.status?.hostIP
        base["__meta_kubernetes_pod_phase"] = phase
        let ready = pod.status?.conditions?.first { $0.type == "Ready" }?.status.lowercased() ?? "unknown"
        base["__meta_kubernetes_pod_ready"] = ready
        if let controller = meta.ownerReferences?.first(where: { $0.controller == true }) {
            base["__meta_kubernetes_pod_controller_kind"] = controller.kind
            base["__meta_kubernetes_pod_controller_name"] = controller.name
        }
        addObjectLabels(&base, prefix: "__meta_kubernetes_pod", metadata: meta)

        let containers = pod.spec?.containers ?? []
        if let preset {
            var set = base
            set["__address__"] = joinHostPort(podIP, preset.port)
            set["instance"] = meta.name
            if let first = containers.first { set["__meta_kubernetes_pod_container_name"] = first.name }
            return [set]
        }
        var sets: [LabelSet] = []
        for container in containers {
            var withContainer = base
            withContainer["__meta_kubernetes_pod_container_name"] = container.name
            withContainer["__meta_kubernetes_pod_container_image"] = container.image
            let ports = (container.ports ?? []).filter { ($0.protocol ?? "TCP") == "TCP" }
            if ports.isEmpty {
                withContainer["__address__"] = podIP
                sets.append(withContainer)
            }
            for port in ports {
                var set = withContainer
                set["__address__"] = joinHostPort(podIP, port.containerPort)
                set["__meta_kubernetes_pod_container_port_name"] = port.name
                set["__meta_kubernetes_pod_container_port_number"] = String(port.containerPort)
                set["__meta_kubernetes_pod_container_port_protocol"] = port.protocol ?? "TCP"
                sets.append(set)
            }
        }
        return sets
    }

    private static func addObjectLabels(_ set: inout LabelSet, prefix: String, metadata: KubernetesObjects.ObjectMeta) {
        for (name, value) in (metadata.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            set["\(prefix)_label_\(sanitize(name))"] = value
            set["\(prefix)_labelpresent_\(sanitize(name))"] = "true"
        }
        for (name, value) in (metadata.annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            set["\(prefix)_annotation_\(sanitize(name))"] = value
            set["\(prefix)_annotationpresent_\(sanitize(name))"] = "true"
        }
    }

    /// Prometheus' label-name sanitising: every character outside `[a-zA-Z0-9_]` becomes `_`.
    static func sanitize(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
                ? scalar : "_"
        }))
    }

    static func joinHostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
