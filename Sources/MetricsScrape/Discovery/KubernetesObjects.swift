/// The parts of Kubernetes `v1` objects that discovery reads, decoded from list responses of
/// the API server (`GET /api/v1/nodes`, `/api/v1/namespaces/NS/pods`) or `kubectl get -o json`.
/// Everything else in the JSON is ignored, so newer API versions decode too.
enum KubernetesObjects {
    struct List<Item: Decodable>: Decodable {
        var kind: String?
        var items: [Item]
    }

    struct ObjectMeta: Decodable {
        var name: String
        var namespace: String?
        var uid: String?
        var labels: [String: String]?
        var annotations: [String: String]?
        var ownerReferences: [OwnerReference]?
    }

    struct OwnerReference: Decodable {
        var kind: String
        var name: String
        var controller: Bool?
    }

    struct Node: Decodable {
        var metadata: ObjectMeta
        var spec: NodeSpec?
        var status: NodeStatus?
    }

    struct NodeSpec: Decodable {
        var providerID: String?
    }

    struct NodeStatus: Decodable {
        var addresses: [NodeAddress]?
        var daemonEndpoints: DaemonEndpoints?
    }

    struct NodeAddress: Decodable {
        var type: String
        var address: String
    }

    struct DaemonEndpoints: Decodable {
        var kubeletEndpoint: DaemonEndpoint?
    }

    struct DaemonEndpoint: Decodable {
        // The API spells this field with a capital P.
        var port: Int?
        enum CodingKeys: String, CodingKey { case port = "Port" }
    }

    struct Pod: Decodable {
        var metadata: ObjectMeta
        var spec: PodSpec?
        var status: PodStatus?
    }

    struct PodSpec: Decodable {
        var nodeName: String?
        var hostNetwork: Bool?
        var containers: [Container]?
    }

    struct Container: Decodable {
        var name: String
        var image: String?
        var ports: [ContainerPort]?
    }

    struct ContainerPort: Decodable {
        var name: String?
        var containerPort: Int
        var `protocol`: String?
    }

    struct PodStatus: Decodable {
        var phase: String?
        var podIP: String?
        var hostIP: String?
        var conditions: [PodCondition]?
    }

    struct PodCondition: Decodable {
        var type: String
        var status: String
    }
}
