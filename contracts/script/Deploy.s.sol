// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {vm} from "../test/utils/Vm.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {TipJar} from "../src/TipJar.sol";

/// @notice Deploys DeviceRegistry and TipJar and writes contracts/deployments/<chainid>.json.
/// @dev Usage: `forge script contracts/script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY`
/// (or PRIVATE_KEY in the environment). The JSON is {"chainId","deviceRegistry","tipJar","deviceRegistryBlock"}.
contract Deploy {
    /// @notice The deployed contracts and where indexers start: the chain head when the script ran, a lower
    /// bound of the registry's deployment block (the broadcast lands in that block's successor or later).
    struct Deployment {
        DeviceRegistry deviceRegistry;
        TipJar tipJar;
        uint256 deviceRegistryBlock;
    }

    /// @notice Deploys with PRIVATE_KEY when set (otherwise the --private-key/--sender of forge script).
    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("PRIVATE_KEY", uint256(0));
        if (key == 0) vm.startBroadcast();
        else vm.startBroadcast(key);
        d = _deploy();
        vm.stopBroadcast();
        _write(d, deploymentPath());
    }

    /// @notice The path of this chain's deployment file.
    function deploymentPath() public view returns (string memory) {
        return string.concat(vm.projectRoot(), "/contracts/deployments/", vm.toString(block.chainid), ".json");
    }

    function _deploy() internal returns (Deployment memory d) {
        d.deviceRegistryBlock = block.number;
        d.deviceRegistry = new DeviceRegistry();
        d.tipJar = new TipJar();
    }

    function _write(Deployment memory d, string memory path) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", block.chainid);
        vm.serializeAddress(key, "deviceRegistry", address(d.deviceRegistry));
        vm.serializeAddress(key, "tipJar", address(d.tipJar));
        string memory json = vm.serializeUint(key, "deviceRegistryBlock", d.deviceRegistryBlock);
        vm.writeJson(json, path);
    }
}
