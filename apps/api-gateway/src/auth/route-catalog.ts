import { Injectable, RequestMethod, type OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { declarationFlawOf, routeAccessOf, type RouteAccess } from './route-access';

export interface CatalogRoute {
  method: string;
  /** The route as Fastify sees it, e.g. `/v1/api-keys/:id`. */
  path: string;
  access: RouteAccess;
  handler: string;
}

/**
 * Every HTTP route of the gateway's controllers with what it declared about its callers. The gateway
 * refuses to start when one of them declares nothing (the guard would refuse it anyway).
 */
@Injectable()
export class RouteCatalog implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): CatalogRoute[] {
    return this.discovery.getControllers().flatMap((wrapper) => {
      const controller = wrapper.metatype as Function | null;
      const prototype = controller?.prototype as Record<string, Function> | undefined;
      if (!controller || !prototype) return [];
      const base = pathsOf(this.reflector.get(PATH_METADATA, controller));
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        const ownPath = this.reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
        if (ownPath === undefined) return [];
        const method = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler) ?? RequestMethod.GET];
        const access = routeAccessOf(this.reflector, handler, controller);
        return base.flatMap((prefix) =>
          pathsOf(ownPath).map((path) => ({
            method,
            path: joinPaths(prefix, path),
            access,
            handler: `${controller.name}.${name}`,
          })),
        );
      });
    });
  }

  onApplicationBootstrap(): void {
    const flaws = this.routes().flatMap((route) => {
      const flaw = declarationFlawOf(route.access);
      return flaw ? [`${route.method} ${route.path} (${route.handler}) ${flaw}`] : [];
    });
    if (flaws.length > 0) throw new Error(`routes without a sound access declaration: ${flaws.join('; ')}`);
  }
}

function pathsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}

function joinPaths(prefix: string, path: string): string {
  return `/${[prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}
