export * from './dto/create-product.dto';
export * from './dto/product-response.dto';
export * from './dto/update-product.dto';
export * from './entities/product.entity';
export * from './products.errors';
export * from './products.module';
export * from './products.service';
export type { Product } from './products.repository';
