/// Kubernetes list responses of the shape `kubectl get nodes -o json` / the API server print,
/// trimmed to a realistic subset of fields (discovery must ignore the ones it does not read).
enum KubernetesFixtures {
    static func node(_ name: String, ip: String, kubeletPort: Int = 10250, zone: String = "zone-a") -> String {
        """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {
            "annotations": {
              "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
              "node.alpha.kubernetes.io/ttl": "0",
              "volumes.kubernetes.io/controller-managed-attach-detach": "true"
            },
            "creationTimestamp": "2026-11-01T09:12:44Z",
            "labels": {
              "beta.kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": "\(name)",
              "kubernetes.io/os": "linux",
              "node-role.kubernetes.io/control-plane": "",
              "topology.kubernetes.io/zone": "\(zone)"
            },
            "name": "\(name)",
            "resourceVersion": "48211",
            "uid": "6a1f0c1e-\(name)"
          },
          "spec": {
            "podCIDR": "10.244.0.0/24",
            "podCIDRs": ["10.244.0.0/24"],
            "providerID": "kind://docker/verify/\(name)",
            "taints": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
          },
          "status": {
            "addresses": [
              {"address": "\(ip)", "type": "InternalIP"},
              {"address": "\(name)", "type": "Hostname"}
            ],
            "allocatable": {"cpu": "8", "memory": "32734236Ki", "pods": "110"},
            "capacity": {"cpu": "8", "memory": "32836636Ki", "pods": "110"},
            "conditions": [
              {"lastHeartbeatTime": "2026-11-26T03:00:00Z", "lastTransitionTime": "2026-11-01T09:13:20Z",
               "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready"}
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": \(kubeletPort)}},
            "images": [{"names": ["registry.k8s.io/etcd:3.5.9-0"], "sizeBytes": 102894559}],
            "nodeInfo": {
              "architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.1",
              "kernelVersion": "6.1.0-13-amd64", "kubeProxyVersion": "v1.28.0", "kubeletVersion": "v1.28.0",
              "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)"
            }
          }
        }
        """
    }

    static func nodeList(_ nodes: [String]) -> String {
        """
        {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "48302"},
         "items": [\(nodes.joined(separator: ",\n"))]}
        """
    }

    static func podList(_ pods: [String]) -> String {
        """
        {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "48302"},
         "items": [\(pods.joined(separator: ",\n"))]}
        """
    }

    /// A kubeadm static pod: host network, no declared ports, `component` label.
    static func etcdPod(node: String, ip: String) -> String {
        """
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": {
            "annotations": {"kubeadm.kubernetes.io/etcd.advertise-client-urls": "https://\(ip):2379",
                            "kubernetes.io/config.source": "file"},
            "labels": {"component": "etcd", "tier": "control-plane"},
            "name": "etcd-\(node)", "namespace": "kube-system", "uid": "b1c2-etcd-\(node)",
            "ownerReferences": [{"apiVersion": "v1", "controller": true, "kind": "Node", "name": "\(node)", "uid": "6a1f"}]
          },
          "spec": {
            "containers": [{
              "command": ["etcd", "--listen-metrics-urls=http://127.0.0.1:2381"],
              "image": "registry.k8s.io/etcd:3.5.9-0", "name": "etcd",
              "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}}
            }],
            "hostNetwork": true, "nodeName": "\(node)", "priorityClassName": "system-node-critical"
          },
          "status": {
            "conditions": [{"status": "True", "type": "Initialized"}, {"status": "True", "type": "Ready"}],
            "hostIP": "\(ip)", "phase": "Running", "podIP": "\(ip)", "podIPs": [{"ip": "\(ip)"}],
            "qosClass": "Burstable", "startTime": "2026-11-01T09:13:02Z"
          }
        }
        """
    }

    /// A CoreDNS Deployment pod: pod network, DNS ports (UDP and TCP) and a metrics port.
    static func coreDNSPod(name: String, node: String, ip: String, phase: String = "Running") -> String {
        """
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": {
            "labels": {"k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d"},
            "name": "\(name)", "namespace": "kube-system", "uid": "c0de-\(name)",
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true,
                                 "kind": "ReplicaSet", "name": "coredns-5d78c9869d", "uid": "77aa"}]
          },
          "spec": {
            "containers": [{
              "args": ["-conf", "/etc/coredns/Corefile"], "image": "registry.k8s.io/coredns/coredns:v1.10.1",
              "name": "coredns",
              "ports": [
                {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}
              ]
            }],
            "nodeName": "\(node)"
          },
          "status": {
            "conditions": [{"status": "True", "type": "Ready"}],
            "hostIP": "10.0.0.1", "phase": "\(phase)", "podIP": "\(ip)"
          }
        }
        """
    }
}
