import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsString, Length, Matches } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.decorator';
import { TextLength } from '../../common/validation/text-length.decorator';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
const USERNAME_MESSAGE = "username must be 3-32 characters of letters, digits, '_', '.' or '-'";
const PASSWORD_MESSAGE = 'password must be 8-128 characters';

/** Shared field decorators, so both surfaces apply the same rules. */
export const UsernameField = () => (target: object, key: string) => {
  IsString({ message: USERNAME_MESSAGE })(target, key);
  Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })(target, key);
};
export const PasswordField =
  (name = 'password') =>
  (target: object, key: string) => {
    IsString({ message: PASSWORD_MESSAGE.replace('password', name) })(target, key);
    Length(8, 128, { message: PASSWORD_MESSAGE.replace('password', name) })(target, key);
  };
export const EmailField = () => (target: object, key: string) => {
  Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))(target, key);
  IsEmail({}, { message: 'email must be a valid email address' })(target, key);
  // Only the upper bound here: an empty address is "not a valid email address", not a length problem.
  TextLength(0, 254, { message: 'email must be at most 254 characters' })(target, key);
};

export class RegisterV1Dto {
  @ApiProperty({ example: 'newuser', pattern: USERNAME_PATTERN.source }) @UsernameField() username!: string;
  @ApiProperty({ example: 'newuser@example.com' }) @EmailField() email!: string;
  @ApiProperty({ example: 'securepassword123', minLength: 8, maxLength: 128 })
  @PasswordField()
  password!: string;
  @ApiPropertyOptional({
    example: ['user'],
    description: '"user" (default) or "admin"; admin only when an admin calls',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  roles?: string[];
}

export class RegisterBasicDto {
  @ApiProperty({ example: 'newuser' }) @UsernameField() username!: string;
  @ApiProperty({ example: 'securepassword123' }) @PasswordField() password!: string;
  @ApiPropertyOptional({ example: 'newuser@example.com' }) @IsOmittable() @EmailField() email?: string;
}

export class LoginV1Dto {
  @ApiProperty({ example: 'newuser' }) @IsString() @Length(1, 254) usernameOrEmail!: string;
  @ApiProperty({ example: 'securepassword123' }) @IsString() @Length(1, 1024) password!: string;
}

export class LoginBasicDto {
  @ApiProperty({ example: 'newuser' }) @IsString() @Length(1, 254) username!: string;
  @ApiProperty({ example: 'securepassword123' }) @IsString() @Length(1, 1024) password!: string;
}

export class UpdateUserV1Dto {
  @ApiPropertyOptional({ example: 'updatedusername' }) @IsOmittable() @UsernameField() username?: string;
  @ApiPropertyOptional({ example: 'updated@example.com' }) @IsOmittable() @EmailField() email?: string;
}

export class UpdateUserBasicDto {
  @ApiPropertyOptional({ example: 'updatedusername' }) @IsOmittable() @UsernameField() username?: string;
  @ApiPropertyOptional({ example: 'newsecurepassword' }) @IsOmittable() @PasswordField() password?: string;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when changing your own password' })
  @IsOmittable()
  @IsString()
  @Length(1, 1024)
  currentPassword?: string;
  @ApiProperty({ example: 'newsecurepassword' }) @PasswordField('newPassword') newPassword!: string;
}

export class SetRolesDto {
  @ApiProperty({ example: ['user', 'admin'], description: '"user"/"admin" or ROLE_USER/ROLE_ADMIN' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsString({ each: true })
  roles!: string[];
}
