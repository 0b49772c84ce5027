// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";

/// @notice Drives the registry with random adds, relayed adds, revocations and rotations from a few accounts,
/// recording what should be true in ghost variables.
contract DeviceRegistryHandler is Test {
    DeviceRegistry public immutable registry;
    uint256[3] internal keys;
    address[3] public actors;

    mapping(address => uint32) public ghostActive;
    mapping(address => uint32) public ghostAdded;
    mapping(address => uint64) public ghostSeq;
    mapping(address => uint32[]) internal _revoked;

    constructor(DeviceRegistry registry_) {
        registry = registry_;
        for (uint256 i; i < actors.length; ++i) {
            (keys[i], actors[i]) = _makeKey(string(abi.encodePacked("actor", vm.toString(i))));
        }
    }

    function revoked(address account) external view returns (uint32[] memory) {
        return _revoked[account];
    }

    function add(uint256 actorSeed, bytes32 sk, bool xwing) external {
        address a = actors[actorSeed % actors.length];
        if (ghostActive[a] == registry.MAX_ACTIVE_DEVICES() || sk == 0) return;
        uint32 id = ghostAdded[a] + 1;
        vm.prank(a);
        registry.addDevice(id, sk, keccak256(abi.encode(sk)), xwing ? 2 : 1, new bytes(64));
        _added(a);
    }

    function addRelayed(uint256 actorSeed, bytes32 sk) external {
        uint256 i = actorSeed % actors.length;
        address a = actors[i];
        if (ghostActive[a] == registry.MAX_ACTIVE_DEVICES() || sk == 0) return;
        uint32 id = ghostAdded[a] + 1;
        bytes32 kak = keccak256(abi.encode(sk));
        bytes memory deviceSig = new bytes(64);
        bytes32 structHash = keccak256(
            abi.encode(
                registry.ADD_DEVICE_TYPEHASH(),
                a,
                id,
                sk,
                kak,
                uint8(1),
                keccak256(deviceSig),
                registry.nonces(a),
                block.timestamp
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(keys[i], keccak256(abi.encodePacked("\x19\x01", registry.DOMAIN_SEPARATOR(), structHash)));
        registry.addDeviceFor(a, id, sk, kak, 1, deviceSig, block.timestamp, abi.encodePacked(r, s, v));
        _added(a);
    }

    function revoke(uint256 actorSeed, uint256 idSeed) external {
        address a = actors[actorSeed % actors.length];
        if (ghostAdded[a] == 0) return;
        uint32 id = uint32(_bound(idSeed, 1, ghostAdded[a]));
        (,,, bool active) = registry.device(a, id);
        if (!active) return;
        vm.prank(a);
        registry.revokeDevice(id);
        --ghostActive[a];
        ++ghostSeq[a];
        _revoked[a].push(id);
    }

    function rotate(uint256 actorSeed, uint256 idSeed, bytes32 kak) external {
        address a = actors[actorSeed % actors.length];
        if (ghostAdded[a] == 0 || kak == 0) return;
        uint32 id = uint32(_bound(idSeed, 1, ghostAdded[a]));
        (,,, bool active) = registry.device(a, id);
        if (!active) return;
        vm.prank(a);
        registry.rotateKeyAgreementKey(id, kak, new bytes(64));
        ++ghostSeq[a];
    }

    function cancelNonce(uint256 actorSeed) external {
        vm.prank(actors[actorSeed % actors.length]);
        registry.useNonce();
    }

    function _added(address a) private {
        ++ghostAdded[a];
        ++ghostActive[a];
        ++ghostSeq[a];
    }
}

/// @notice Invariants: the cap holds, counters match the ghosts, revoked devices never come back.
contract DeviceRegistryInvariantTest is Test {
    DeviceRegistry internal registry;
    DeviceRegistryHandler internal handler;

    function setUp() public {
        registry = new DeviceRegistry();
        handler = new DeviceRegistryHandler(registry);
    }

    /// @dev Tells forge to call only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_ActiveCountWithinCapAndMatchesGhost() public view {
        for (uint256 i; i < 3; ++i) {
            address a = handler.actors(i);
            uint32 count = registry.activeDeviceCount(a);
            vm.assertLe(count, registry.MAX_ACTIVE_DEVICES());
            vm.assertEq(count, handler.ghostActive(a));
        }
    }

    function invariant_SequenceAndNextIdMatchGhost() public view {
        for (uint256 i; i < 3; ++i) {
            address a = handler.actors(i);
            vm.assertEq(registry.sequence(a), handler.ghostSeq(a));
            vm.assertEq(registry.nextDeviceId(a), handler.ghostAdded(a) + 1);
        }
    }

    function invariant_RevokedDeviceNeverActive() public view {
        for (uint256 i; i < 3; ++i) {
            address a = handler.actors(i);
            uint32[] memory ids = handler.revoked(a);
            for (uint256 j; j < ids.length; ++j) {
                (bytes32 sk, bytes32 kak,, bool active) = registry.device(a, ids[j]);
                vm.assertFalse(active);
                vm.assertEq(kak, bytes32(0));
                vm.assertTrue(sk != 0, "signing key kept");
            }
        }
    }
}
